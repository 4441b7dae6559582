//! What both catalogs store the same way: the model split into the JSON
//! text of its parts, the cuts kept for search, and decoding it back.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use specdex_spec::{
    Endpoint, Info, NamedSchema, SecurityRequirement, SecurityScheme, Server, SpecFormat, Tag,
};

use crate::{Api, Result, SnapshotInfo, StoreError, Warning};

/// Refuses a provider or API name outside the catalog's alphabet; names end
/// up in URLs and file names, so both stores check them before writing.
pub(crate) fn check_name(what: &'static str, name: &str) -> Result<()> {
    if specdex_spec::slug::is_valid_slug(name) {
        Ok(())
    } else {
        Err(StoreError::InvalidSlug {
            what,
            slug: name.to_owned(),
        })
    }
}

/// [`check_name`] for what an ingest names: the provider, and the API when
/// the identity fixes it.
pub(crate) fn check_names(identity: &specdex_spec::identity::Identity) -> Result<()> {
    check_name("provider", &identity.provider)?;
    identity
        .api
        .as_deref()
        .map_or(Ok(()), |name| check_name("API", name))
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// Everything in an [`Api`] that gets no rows of its own, stored as one JSON
/// value per snapshot. Borrowed when writing, owned when read back.
#[derive(Serialize, Deserialize)]
pub(crate) struct ApiParts<'a> {
    pub(crate) format: SpecFormat,
    pub(crate) spec_version: Cow<'a, str>,
    pub(crate) info: Cow<'a, Info>,
    pub(crate) servers: Cow<'a, [Server]>,
    pub(crate) security_schemes: Cow<'a, [SecurityScheme]>,
    pub(crate) security: Cow<'a, [SecurityRequirement]>,
    pub(crate) tags: Cow<'a, [Tag]>,
    pub(crate) webhooks: Cow<'a, [Endpoint]>,
}

impl<'a> ApiParts<'a> {
    pub(crate) fn of(api: &'a Api) -> Self {
        // Exhaustive on purpose: a field added to `Api` stops compiling here
        // until it is stored somewhere.
        let Api {
            format,
            spec_version,
            info,
            servers,
            security_schemes,
            security,
            tags,
            endpoints: _,
            webhooks,
            schemas: _,
            warnings: _,
        } = api;
        ApiParts {
            format: *format,
            spec_version: Cow::Borrowed(spec_version),
            info: Cow::Borrowed(info),
            servers: Cow::Borrowed(servers),
            security_schemes: Cow::Borrowed(security_schemes),
            security: Cow::Borrowed(security),
            tags: Cow::Borrowed(tags),
            webhooks: Cow::Borrowed(webhooks),
        }
    }

    pub(crate) fn into_api(
        self,
        endpoints: Vec<Endpoint>,
        schemas: Vec<NamedSchema>,
        warnings: Vec<Warning>,
    ) -> Api {
        Api {
            format: self.format,
            spec_version: self.spec_version.into_owned(),
            info: self.info.into_owned(),
            servers: self.servers.into_owned(),
            security_schemes: self.security_schemes.into_owned(),
            security: self.security.into_owned(),
            tags: self.tags.into_owned(),
            endpoints,
            webhooks: self.webhooks.into_owned(),
            schemas,
            warnings,
        }
    }
}

/// The first bytes of a zstd frame. A stored document that starts so is
/// compressed; any other was stored as read (catalogs written before
/// documents were compressed). No document is taken for the other: every
/// stored document is UTF-8 text (parsing refuses anything else), and in
/// UTF-8 `0xB5` cannot follow `(`.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// zstd's fastest level: most of the size for a fraction of the time (13 MB
/// of JSON in about 30 ms), which the write lock and the disk do not wait
/// for.
const DOCUMENT_LEVEL: i32 = 1;

/// A document as stored: a zstd frame. Written documents are a third of
/// what a catalog holds and most of what an ingest writes and syncs.
///
/// A document already packed is returned as it is, so a caller may pack
/// the text it read early, free the text, and hand the catalog the frame as
/// [`crate::NewSnapshot::document`].
pub fn pack_document(document: &[u8]) -> Result<Vec<u8>> {
    pack_document_pieces(&[document])
}

/// [`pack_document`] for a document given as pieces that join into it (a
/// text being parsed in halves: `specdex_spec::parse::parse_in_halves`),
/// without joining them first: a frame of the same content, its size in
/// its header. Pieces are a text being read, never a frame already packed.
pub fn pack_document_pieces(pieces: &[&[u8]]) -> Result<Vec<u8>> {
    let size: usize = pieces.iter().map(|piece| piece.len()).sum();
    let cannot = |e: std::io::Error| StoreError::Corrupt {
        what: format!("cannot compress a document of {size} bytes: {e}"),
    };
    match pieces {
        [document] if document.starts_with(&ZSTD_MAGIC) => Ok(document.to_vec()),
        [document] => zstd::bulk::compress(document, DOCUMENT_LEVEL).map_err(cannot),
        _ => {
            let mut encoder =
                zstd::stream::write::Encoder::new(Vec::with_capacity(size / 8), DOCUMENT_LEVEL)
                    .map_err(cannot)?;
            encoder
                .set_pledged_src_size(Some(size as u64))
                .map_err(cannot)?;
            for piece in pieces {
                std::io::Write::write_all(&mut encoder, piece).map_err(cannot)?;
            }
            encoder.finish().map_err(cannot)
        }
    }
}

/// Most bytes a stored document may unpack to: sixteen times the largest
/// document ingest accepts by default. A frame says its size in its header
/// ([`pack_document`] always writes it), and a frame that claims more, or
/// says nothing, is damaged: unpacking it is refused before any work, so a
/// damaged or forged catalog row cannot make a reader inflate it without
/// end.
const MAX_UNPACKED: u64 = 16 * specdex_spec::DEFAULT_MAX_BYTES;

/// The document as it was read, from what [`pack_document`] stored (or,
/// from older catalogs, the document itself).
pub(crate) fn unpack_document(stored: Vec<u8>, snapshot_id: i64) -> Result<Vec<u8>> {
    if !stored.starts_with(&ZSTD_MAGIC) {
        return Ok(stored);
    }
    unframe(&stored, || {
        format!("the document of snapshot {snapshot_id}")
    })
}

/// The level bodies are packed at: the fastest, as for documents. Packing
/// runs where the snapshot is prepared, beside the search segment, not
/// under the write lock.
const BODY_LEVEL: i32 = 1;

/// Bodies shorter than this are stored as their text, unpacked: on the
/// APIs.guru directory's, packing from 256 bytes on gives the same total
/// size as packing all (63.5 against 63.2 MB for 120,000 bodies) in 0.86 of
/// the time; a short body has little to repeat, and each costs a context
/// reset.
const PACK_FROM: usize = 256;

/// Packs the JSON text of endpoints and schemas as they are stored: a zstd
/// frame when that is smaller, the text itself when not (short bodies, see
/// [`PACK_FROM`], and the rare one that does not compress). One context
/// serves a whole snapshot: making one per body costs more than packing it.
/// So does one scratch buffer: a frame is written into it (room for the
/// worst case, a little more than the body) and copied out at its own size,
/// so the bodies held until the write take what they will take on disk.
struct BodyPacker {
    compressor: zstd::bulk::Compressor<'static>,
    scratch: Vec<u8>,
}

impl BodyPacker {
    fn new() -> Result<Self> {
        let compressor =
            zstd::bulk::Compressor::new(BODY_LEVEL).map_err(|e| StoreError::Corrupt {
                what: format!("cannot start compressing: {e}"),
            })?;
        Ok(BodyPacker {
            compressor,
            scratch: Vec::new(),
        })
    }

    fn pack(&mut self, json: String) -> Vec<u8> {
        if json.len() < PACK_FROM {
            return json.into_bytes();
        }
        self.scratch.clear();
        self.scratch
            .reserve(zstd::zstd_safe::compress_bound(json.len()));
        match self
            .compressor
            .compress_to_buffer(json.as_bytes(), &mut self.scratch)
        {
            Ok(size) if size < json.len() => self.scratch[..size].to_vec(),
            // A body that does not compress (or, never seen, a context that
            // fails) is stored as it is, which reads back the same.
            _ => json.into_bytes(),
        }
    }
}

thread_local! {
    /// The zstd context that reads frames back on this thread, made at the
    /// first frame and kept: making one costs as much as reading a body
    /// (a lookup by key took twice as long with a context of its own).
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { RefCell::new(None) };
}

/// The JSON text of a body as [`BodyPacker`] stored it: the body itself, or
/// what its frame holds. `what` names it in an error ("snapshot 7:
/// endpoint `GET /x`").
fn unpack_body(stored: &[u8], what: impl Fn() -> String) -> Result<Cow<'_, [u8]>> {
    if stored.starts_with(&ZSTD_MAGIC) {
        unframe(stored, what).map(Cow::Owned)
    } else {
        Ok(Cow::Borrowed(stored))
    }
}

/// What a zstd frame holds. The frame must say its size (every packer here
/// writes it), at most [`MAX_UNPACKED`]: a damaged or forged row is refused
/// before any work rather than inflated without end.
fn unframe(frame: &[u8], what: impl Fn() -> String) -> Result<Vec<u8>> {
    let damaged = |why: String| StoreError::Corrupt {
        what: format!("{} does not decompress: {why}", what()),
    };
    let size = match zstd::zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) if size <= MAX_UNPACKED => size,
        Ok(Some(size)) => return Err(damaged(format!("it claims {size} bytes"))),
        Ok(None) | Err(_) => return Err(damaged("its frame does not say its size".to_owned())),
    };
    let capacity = usize::try_from(size).map_err(|_| damaged(format!("it claims {size} bytes")))?;
    DECOMPRESSOR.with_borrow_mut(|slot| {
        let decompressor = match slot {
            Some(decompressor) => decompressor,
            None => {
                slot.insert(zstd::bulk::Decompressor::new().map_err(|e| damaged(e.to_string()))?)
            }
        };
        decompressor
            .decompress(frame, capacity)
            .map_err(|e| damaged(e.to_string()))
    })
}

/// A snapshot made ready to write by [`crate::Catalog::prepare`]: the
/// snapshot that already holds its content, or the snapshot encoded.
pub struct Prepared(pub(crate) Preparation);

pub(crate) enum Preparation {
    Known(Box<SnapshotInfo>),
    Encoded(Encoded),
}

impl Prepared {
    /// `known`, the snapshot already holding the content, or else `api` and
    /// `document` encoded.
    pub(crate) fn new(known: Option<SnapshotInfo>, api: &Api, document: &[u8]) -> Result<Self> {
        Ok(Prepared(match known {
            Some(snapshot) => Preparation::Known(Box::new(snapshot)),
            None => Preparation::Encoded(Encoded::new(api, document)?),
        }))
    }
}

/// An endpoint as stored: its tags (JSON) and its body packed
/// ([`BodyPacker`]).
pub(crate) type PackedEndpoint = (String, Vec<u8>);

/// The JSON text of a snapshot and its search segment, ready to be written.
pub(crate) struct Encoded {
    pub(crate) parts: String,
    /// `(tags, endpoint)` per endpoint, in order; the endpoint packed
    /// ([`BodyPacker`]).
    pub(crate) endpoints: Vec<PackedEndpoint>,
    /// The schema value per named schema, in order, packed.
    pub(crate) schemas: Vec<Vec<u8>>,
    /// The snapshot's search segment ([`crate::search::segment_of_api`]).
    pub(crate) segment: Vec<u8>,
    /// The document as stored ([`pack_document`]).
    pub(crate) document: Vec<u8>,
}

/// Endpoints from which the segment is built on a thread of its own while
/// the JSON is encoded: below, a thread costs more than it saves.
const SEGMENT_THREAD_FROM: usize = 64;

impl Encoded {
    /// Encodes `api` and packs its `document`. The search segment is
    /// independent of the rest, so for a large API it is made on a second
    /// thread, which then helps pack the bodies ([`BodyRuns`]): storing
    /// the snapshot waits for half the work, not for the bodies alone
    /// (GitHub's API: a 16 ms segment beside 30 ms of bodies; its whole
    /// ingest took 4 ms less).
    pub(crate) fn new(api: &Api, document: &[u8]) -> Result<Self> {
        let runs = BodyRuns::new(api);
        let (own, (segment, beside)) = specdex_spec::side_by_side(
            api.endpoints.len() >= SEGMENT_THREAD_FROM,
            || -> Result<_> {
                let document = pack_document(document)?;
                let parts = to_json(&ApiParts::of(api), || "the API description".to_owned())?;
                Ok((document, parts, runs.pack()?))
            },
            || (crate::search::segment_of_api(api), runs.pack()),
        );
        let (document, parts, mut packed) = own?;
        packed.append(&mut beside?);
        let (endpoints, schemas) = runs.in_order(packed);
        Ok(Encoded {
            parts,
            endpoints,
            schemas,
            segment,
            document,
        })
    }
}

/// Bodies packed together, taken in turn by whichever thread is free; one
/// run is a fraction of a millisecond of work, so the threads end together.
const BODY_RUN: usize = 32;

/// A snapshot's bodies, each endpoint's then each named schema's, as runs
/// of [`BODY_RUN`] that several threads pack, each taking the next run not
/// taken.
struct BodyRuns<'a> {
    api: &'a Api,
    /// The first body of the next run not taken.
    next: AtomicUsize,
}

/// One packed body: an endpoint's (with its tags) or a named schema's.
enum PackedBody {
    Endpoint(PackedEndpoint),
    Schema(Vec<u8>),
}

/// The runs one thread packed: (first body, its bodies packed).
type PackedRuns = Vec<(usize, Vec<PackedBody>)>;

impl<'a> BodyRuns<'a> {
    fn new(api: &'a Api) -> Self {
        BodyRuns {
            api,
            next: AtomicUsize::new(0),
        }
    }

    /// Packs runs until none is left. A thread that finds none left
    /// makes no packer.
    fn pack(&self) -> Result<PackedRuns> {
        let (endpoints, schemas) = (&self.api.endpoints, &self.api.schemas);
        let total = endpoints.len() + schemas.len();
        let mut packer = None;
        let mut runs = Vec::new();
        loop {
            let first = self.next.fetch_add(BODY_RUN, Ordering::Relaxed);
            if first >= total {
                return Ok(runs);
            }
            let packer = match &mut packer {
                Some(packer) => packer,
                None => packer.insert(BodyPacker::new()?),
            };
            let bodies = (first..total.min(first + BODY_RUN))
                .map(|index| match endpoints.get(index) {
                    Some(endpoint) => {
                        let what = || format!("endpoint `{}`", endpoint.key());
                        let body = packer.pack(to_json(endpoint, what)?);
                        Ok(PackedBody::Endpoint((to_json(&endpoint.tags, what)?, body)))
                    }
                    None => {
                        let schema = &schemas[index - endpoints.len()];
                        let what = || format!("schema `{}`", schema.name);
                        Ok(PackedBody::Schema(
                            packer.pack(to_json(&schema.schema, what)?),
                        ))
                    }
                })
                .collect::<Result<_>>()?;
            runs.push((first, bodies));
        }
    }

    /// The runs of every thread put back in order: the endpoints, then the
    /// schemas.
    fn in_order(&self, mut runs: PackedRuns) -> (Vec<PackedEndpoint>, Vec<Vec<u8>>) {
        runs.sort_unstable_by_key(|(first, _)| *first);
        let mut endpoints = Vec::with_capacity(self.api.endpoints.len());
        let mut schemas = Vec::with_capacity(self.api.schemas.len());
        for body in runs.into_iter().flat_map(|(_, bodies)| bodies) {
            match body {
                PackedBody::Endpoint(endpoint) => endpoints.push(endpoint),
                PackedBody::Schema(body) => schemas.push(body),
            }
        }
        (endpoints, schemas)
    }
}

pub(crate) fn to_json<T: Serialize + ?Sized>(
    value: &T,
    what: impl FnOnce() -> String,
) -> Result<String> {
    serde_json::to_string(value).map_err(|cause| StoreError::Encode {
        what: what(),
        cause,
    })
}

/// The first `chars` characters of `text` (all of it if shorter). SQLite's
/// `substr` counts the same way, so rows the layout-2 migration filled in
/// match rows written since; the PostgreSQL catalog cuts with this too.
pub(crate) fn prefix(text: &str, chars: usize) -> &str {
    text.char_indices()
        .nth(chars)
        .map_or(text, |(end, _)| &text[..end])
}

/// Counts as stored; no document comes near four billion operations, so
/// saturating is only a guard against overflow, never a visible limit.
pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A snapshot's rows as stored, read under the lock (or on a pooled
/// connection) and decoded after it is given back.
pub(crate) struct StoredApi {
    pub(crate) parts: String,
    /// Each endpoint as stored (packed).
    pub(crate) endpoints: Vec<Vec<u8>>,
    /// `(name, in_cycle, external, schema as stored)`.
    pub(crate) schemas: Vec<(String, bool, bool, Vec<u8>)>,
    pub(crate) warnings: Vec<Warning>,
}

impl StoredApi {
    pub(crate) fn decode(self, snapshot_id: i64) -> Result<Api> {
        let parts = decode_parts(&self.parts, snapshot_id)?;
        let endpoints = self
            .endpoints
            .iter()
            .enumerate()
            .map(|(position, body)| {
                decode_body(body, || {
                    format!("snapshot {snapshot_id}: endpoint #{position}")
                })
            })
            .collect::<Result<_>>()?;
        let schemas = self
            .schemas
            .into_iter()
            .map(|(name, in_cycle, external, body)| {
                decode_schema(name, in_cycle, external, &body, snapshot_id)
            })
            .collect::<Result<_>>()?;
        Ok(parts.into_api(endpoints, schemas, self.warnings))
    }
}

pub(crate) fn decode_parts(parts: &str, snapshot_id: i64) -> Result<ApiParts<'static>> {
    serde_json::from_str(parts).map_err(|cause| StoreError::Corrupt {
        what: format!("snapshot {snapshot_id}: the API description does not read back: {cause}"),
    })
}

/// Decodes a stored (packed) body; `what` names it in an error
/// ("snapshot 7: endpoint `GET /x`").
fn decode_body<T: serde::de::DeserializeOwned>(
    stored: &[u8],
    what: impl Fn() -> String,
) -> Result<T> {
    let json = unpack_body(stored, &what)?;
    serde_json::from_slice(&json).map_err(|cause| StoreError::Corrupt {
        what: format!("{} does not read back: {cause}", what()),
    })
}

/// Decodes an endpoint body read back by key.
pub(crate) fn decode_endpoint(
    stored: &[u8],
    snapshot_id: i64,
    (method, path): (&str, &str),
) -> Result<Endpoint> {
    decode_body(stored, || {
        format!("snapshot {snapshot_id}: endpoint `{method} {path}`")
    })
}

/// Decodes a schema read back by name.
pub(crate) fn decode_schema(
    name: String,
    in_cycle: bool,
    external: bool,
    stored: &[u8],
    snapshot_id: i64,
) -> Result<NamedSchema> {
    let schema = decode_body(stored, || {
        format!("snapshot {snapshot_id}: schema `{name}`")
    })?;
    Ok(NamedSchema {
        name,
        schema,
        in_cycle,
        external,
    })
}

#[cfg(test)]
mod tests {
    use super::{
        BodyPacker, ZSTD_MAGIC, decode_endpoint, decode_schema, pack_document,
        pack_document_pieces, unpack_document,
    };

    #[test]
    fn bodies_are_packed_where_that_is_smaller_and_read_back_either_way() -> crate::Result<()> {
        let mut packer = BodyPacker::new()?;
        let long = format!(
            r#"{{"method":"GET","path":"/pets","description":"{}"}}"#,
            "Lists every pet in the store. ".repeat(100)
        );
        let short = r#"{"method":"GET","path":"/"}"#.to_owned();
        for (json, packs) in [(long, true), (short, false)] {
            let stored = packer.pack(json.clone());
            assert_eq!(stored.starts_with(&ZSTD_MAGIC), packs, "{json}");
            if packs {
                assert!(stored.len() * 10 < json.len(), "{} bytes", stored.len());
            }
            let expected: specdex_spec::Endpoint =
                serde_json::from_str(&json).map_err(|e| crate::StoreError::Corrupt {
                    what: e.to_string(),
                })?;
            assert_eq!(decode_endpoint(&stored, 1, ("GET", "/pets"))?, expected);
        }
        Ok(())
    }

    /// An API of `endpoints` operations and `schemas` named schemas, some
    /// bodies long enough to be packed, some not.
    fn api_of(endpoints: usize, schemas: usize) -> crate::Api {
        let mut paths = serde_json::Map::new();
        for i in 0..endpoints {
            let description = "Returns the thing asked for. ".repeat(i % 3 * 10);
            paths.insert(
                format!("/things{i}"),
                serde_json::json!({"get": {
                    "tags": [format!("tag{}", i % 7)],
                    "description": description,
                    "responses": {"200": {"description": "ok"}},
                }}),
            );
        }
        let mut named = serde_json::Map::new();
        for i in 0..schemas {
            let description = "A property of the thing. ".repeat(i % 4 * 10);
            named.insert(
                format!("Thing{i}"),
                serde_json::json!({"type": "object", "description": description}),
            );
        }
        let document = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Things", "version": "1"},
            "paths": paths,
            "components": {"schemas": named},
        });
        let text = document.to_string();
        let read = specdex_spec::read_api(
            "things.json",
            text.as_bytes(),
            &specdex_spec::Base::Detached,
            &specdex_spec::NoFetch,
            &specdex_spec::ReadOptions::default(),
        );
        match read {
            Ok(read) => read.api,
            Err(error) => panic!("the generated document does not read: {error}"),
        }
    }

    #[test]
    fn bodies_packed_on_two_threads_come_back_in_order() -> crate::Result<()> {
        // Small (one thread) and large (two), runs ending inside the
        // endpoints, at their end and inside the schemas.
        for (endpoints, schemas) in [(3, 2), (64, 0), (150, 90), (200, 1)] {
            let api = api_of(endpoints, schemas);
            assert_eq!(
                (api.endpoints.len(), api.schemas.len()),
                (endpoints, schemas)
            );
            let encoded = super::Encoded::new(&api, b"{}")?;
            assert!(!encoded.segment.is_empty());
            assert_eq!(encoded.endpoints.len(), endpoints);
            for ((tags, stored), endpoint) in encoded.endpoints.iter().zip(&api.endpoints) {
                let key = (endpoint.method.as_str(), endpoint.path.as_str());
                assert_eq!(&decode_endpoint(stored, 1, key)?, endpoint);
                assert_eq!(
                    tags,
                    &serde_json::to_string(&endpoint.tags).unwrap_or_default()
                );
            }
            assert_eq!(encoded.schemas.len(), schemas);
            for (stored, schema) in encoded.schemas.iter().zip(&api.schemas) {
                let read = decode_schema(schema.name.clone(), false, false, stored, 1)?;
                assert_eq!(read.schema, schema.schema);
            }
            // Whichever thread packed which run, they are put back in order.
            let runs = super::BodyRuns::new(&api);
            let mut packed = runs.pack()?;
            packed.reverse();
            let (endpoints, schemas) = runs.in_order(packed);
            assert_eq!(endpoints, encoded.endpoints);
            assert_eq!(schemas, encoded.schemas);
        }
        Ok(())
    }

    #[test]
    fn a_damaged_body_names_its_endpoint_and_snapshot() {
        let mut stored = BodyPacker::new()
            .map(|mut packer| {
                packer.pack(format!(
                    r#"{{"method":"GET","path":"/{}"}}"#,
                    "a".repeat(500)
                ))
            })
            .unwrap_or_default();
        stored.truncate(stored.len() / 2);
        match decode_endpoint(&stored, 4, ("GET", "/a")) {
            Err(error) => assert!(
                error
                    .to_string()
                    .contains("snapshot 4: endpoint `GET /a` does not decompress"),
                "{error}"
            ),
            Ok(endpoint) => panic!("a truncated body read as {endpoint:?}"),
        }
    }

    #[test]
    fn documents_are_stored_compressed_and_read_back_as_read() -> crate::Result<()> {
        let document = "openapi: 3.1.0\npaths:\n".to_owned() + &"  /pets: {}\n".repeat(5000);
        let stored = pack_document(document.as_bytes())?;
        assert!(stored.len() * 20 < document.len(), "{} bytes", stored.len());
        assert_eq!(
            pack_document(&stored)?,
            stored,
            "packing twice changes nothing"
        );
        assert_eq!(unpack_document(stored, 1)?, document.as_bytes());
        // Catalogs from before compression hold the document itself.
        let raw = b"{\"openapi\": \"3.0.3\"}".to_vec();
        assert_eq!(unpack_document(raw.clone(), 2)?, raw);
        assert_eq!(unpack_document(Vec::new(), 3)?, b"");
        // Given in pieces, the same document: a frame that says its size
        // (unpacking refuses one that does not) and unpacks to the whole.
        let bytes = document.as_bytes();
        let pieces = [&bytes[..1000], b"", &bytes[1000..1001], &bytes[1001..]];
        let stored = pack_document_pieces(&pieces)?;
        assert!(stored.len() * 20 < document.len(), "{} bytes", stored.len());
        assert_eq!(unpack_document(stored, 4)?, bytes);
        Ok(())
    }

    #[test]
    fn a_frame_claiming_more_than_a_document_can_be_is_refused_unread() {
        // A frame header (magic, descriptor: an 8-byte content size, single
        // segment) that claims 2^40 bytes, and no blocks.
        let mut forged = super::ZSTD_MAGIC.to_vec();
        forged.push(0b1110_0000);
        forged.extend_from_slice(&(1_u64 << 40).to_le_bytes());
        match unpack_document(forged, 9) {
            Err(error) => assert!(error.to_string().contains("claims"), "{error}"),
            Ok(bytes) => panic!("a forged frame read as {} bytes", bytes.len()),
        }
    }

    #[test]
    fn a_damaged_frame_is_reported_not_returned() {
        let mut stored = pack_document(&[b'x'; 4096]).unwrap_or_default();
        stored.truncate(stored.len() / 2);
        match unpack_document(stored, 7) {
            Err(error) => assert!(error.to_string().contains("snapshot 7"), "{error}"),
            Ok(bytes) => panic!("a truncated frame read as {} bytes", bytes.len()),
        }
    }
}
