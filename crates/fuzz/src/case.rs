//! One fuzz input: a target and the files it reads, generated from a byte
//! string, and saved as a JSON file that replays it without the generator
//! (so a kept input stays the same input whatever the generator becomes).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::choices::Choices;
use crate::generate::{self, Scale};
use crate::mutate::{mutate_bytes, mutate_value};
use crate::yaml::to_yaml;

/// What an input exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The reader on one document (and a mutated edition of it): parse,
    /// detect, bundle, extract, validate; then identity, the diff of the
    /// two editions and of each with itself, and planned calls checked.
    Read,
    /// The bundler on a multi-file document read through an in-memory
    /// [`Fetch`](specdex_spec::Fetch): relative, escaping, dangling,
    /// cyclic and remote references.
    Bundle,
    /// Editions stored in a catalog, every engine answer rendered as JSON
    /// and markdown, and the web pages with every link they carry followed.
    Render,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::Read, Target::Bundle, Target::Render];

    pub fn name(self) -> &'static str {
        match self {
            Target::Read => "read",
            Target::Bundle => "bundle",
            Target::Render => "render",
        }
    }

    pub fn parse(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// A named file of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// A path relative to the in-memory root (`spec/openapi.yaml`), or an
    /// `https://` URL.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub target: Target,
    /// The documents; the first is the one read (or the first edition).
    pub files: Vec<File>,
    /// Decisions taken while the input is exercised (which calls to check,
    /// which queries to ask), read with [`Choices`].
    pub choices: Vec<u8>,
}

/// Decision bytes kept for the exercise.
const EXERCISE_CHOICES: usize = 512;

impl Case {
    /// The input `data` stands for, for `target`.
    pub fn generate(target: Target, data: &[u8]) -> Case {
        let mut c = Choices::new(data);
        let files = match target {
            Target::Read => read_files(&mut c),
            Target::Bundle => bundle_files(&mut c),
            Target::Render => render_files(&mut c),
        };
        Case {
            target,
            files,
            choices: c.rest(EXERCISE_CHOICES),
        }
    }

    /// The case as the JSON a regression file holds: file contents as text
    /// when they are UTF-8, else as hex.
    pub fn to_json(&self) -> Value {
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|f| match std::str::from_utf8(&f.bytes) {
                Ok(text) => json!({"name": f.name, "text": text}),
                Err(_) => json!({"name": f.name, "hex": hex(&f.bytes)}),
            })
            .collect();
        json!({
            "target": self.target.name(),
            "files": files,
            "choices": hex(&self.choices),
        })
    }

    /// Reads a case written by [`Case::to_json`].
    pub fn from_json(value: &Value) -> Result<Case, String> {
        let target = value["target"]
            .as_str()
            .and_then(Target::parse)
            .ok_or("no known `target`")?;
        let files = value["files"]
            .as_array()
            .ok_or("no `files`")?
            .iter()
            .map(|f| {
                let name = f["name"].as_str().ok_or("a file without a `name`")?;
                let bytes = match (f["text"].as_str(), f["hex"].as_str()) {
                    (Some(text), _) => text.as_bytes().to_vec(),
                    (None, Some(hex)) => unhex(hex)?,
                    (None, None) => return Err("a file without `text` or `hex`".to_owned()),
                };
                Ok(File {
                    name: name.to_owned(),
                    bytes,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let choices = unhex(value["choices"].as_str().unwrap_or(""))?;
        Ok(Case {
            target,
            files,
            choices,
        })
    }

    /// The file name a kept case gets: its target and a hash of its content,
    /// so the same input is kept once.
    pub fn file_name(&self) -> String {
        let digest = Sha256::digest(self.to_json().to_string().as_bytes());
        format!("{}-{}.json", self.target.name(), &hex(&digest)[..16])
    }

    /// Writes the case into `dir` (created if missing), with `why` it was
    /// kept; the path written.
    pub fn save(&self, dir: &Path, why: &str) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let mut value = self.to_json();
        value["why"] = json!(why);
        let path = dir.join(self.file_name());
        let text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
        std::fs::write(&path, text + "\n")?;
        Ok(path)
    }

    /// Bytes in all files, for reports.
    pub fn size(&self) -> usize {
        self.files.iter().map(|f| f.bytes.len()).sum()
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn unhex(text: &str) -> Result<Vec<u8>, String> {
    if !text.len().is_multiple_of(2) {
        return Err("odd-length hex".to_owned());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("bad hex at {i}"))
        })
        .collect()
}

/// A document as JSON (compact or pretty) or YAML.
pub fn encode(c: &mut Choices, doc: &Value) -> (Vec<u8>, &'static str) {
    match c.below(4) {
        0 => (serde_json::to_vec_pretty(doc).unwrap_or_default(), "json"),
        1 => (serde_json::to_vec(doc).unwrap_or_default(), "json"),
        _ => (to_yaml(c, doc).into_bytes(), "yaml"),
    }
}

/// The read target: a document (rarely, raw bytes), sometimes mutated in
/// structure and bytes, and possibly a second edition mutated from it.
fn read_files(c: &mut Choices) -> Vec<File> {
    if c.chance(8) {
        // Unstructured: the decision bytes themselves are the document.
        let bytes = c.rest(1 << 16);
        return vec![File {
            name: "raw".to_owned(),
            bytes,
        }];
    }
    let mut doc = generate::document(c, Scale::READ);
    if c.chance(100) {
        let n = c.between(1, 6);
        mutate_value(c, &mut doc, n);
    }
    let mut files = vec![document_file(c, "openapi", &doc, 40)];
    if c.chance(128) {
        let mut edition = doc.clone();
        let n = c.between(1, 8);
        mutate_value(c, &mut edition, n);
        files.push(document_file(c, "edition-2", &edition, 10));
    }
    files
}

/// `doc` encoded, with byte mutations `byte_chance`/256 of the time.
fn document_file(c: &mut Choices, stem: &str, doc: &Value, byte_chance: u16) -> File {
    let (mut bytes, extension) = encode(c, doc);
    if c.chance(byte_chance) {
        let n = c.between(1, 6);
        mutate_bytes(c, &mut bytes, n);
    }
    File {
        name: format!("{stem}.{extension}"),
        bytes,
    }
}

/// The render target: up to four editions of one API, each a structure
/// mutation of the one before (so the diffs have something to say), or a
/// new document.
fn render_files(c: &mut Choices) -> Vec<File> {
    let mut doc = generate::document(c, Scale::RENDER);
    let editions = c.between(1, 4);
    let mut files = Vec::new();
    for n in 0..editions {
        if n > 0 {
            if c.chance(30) {
                doc = generate::document(c, Scale::RENDER);
            } else {
                let k = c.between(1, 5);
                mutate_value(c, &mut doc, k);
            }
        }
        files.push(document_file(c, &format!("edition-{}", n + 1), &doc, 6));
    }
    files
}

/// Where the fragments of a multi-file document live, relative to the
/// in-memory root; the root document is `spec/openapi.*`.
const FRAGMENTS: &[&str] = &[
    "spec/common/schemas.yaml",
    "spec/common/params.json",
    "shared/types.yaml",
    "spec/pet.json",
    "spec/paths/pets.yaml",
    "spec/common/deep/more.yaml",
];

/// The bundle target: a root document and fragments referring to each
/// other by relative paths (inside the root, leaving it, dangling, cyclic),
/// or the same under an `https://` base.
fn bundle_files(c: &mut Choices) -> Vec<File> {
    let remote = c.chance(30);
    let n = c.between(1, FRAGMENTS.len());
    let fragments: Vec<&str> = FRAGMENTS[..n].to_vec();
    let root_refs = refs_from("spec/openapi.yaml", &fragments);
    let mut doc = generate::document_with_refs(c, Scale::RENDER, &root_refs);
    if c.chance(60) {
        let k = c.between(1, 4);
        mutate_value(c, &mut doc, k);
    }
    let root = document_file(c, "openapi", &doc, 8);
    let prefix = if remote {
        "https://specs.example.com/"
    } else {
        ""
    };
    let mut files = vec![File {
        name: format!("{prefix}spec/{}", root.name),
        bytes: root.bytes,
    }];
    for (i, path) in fragments.iter().enumerate() {
        if c.chance(20) {
            continue; // referenced but missing
        }
        let refs = refs_from(path, &fragments);
        let names = ["Pet", "Owner", "Error", "Node"];
        let mut fragment = generate::fragment(c, &names, &refs);
        if i == 4 {
            fragment = generate::path_item_fragment(c, &refs);
        }
        if c.chance(40) {
            let k = c.between(1, 3);
            mutate_value(c, &mut fragment, k);
        }
        let (mut bytes, _) = encode(c, &fragment);
        if c.chance(8) {
            let k = c.between(1, 3);
            mutate_bytes(c, &mut bytes, k);
        }
        files.push(File {
            name: format!("{prefix}{path}"),
            bytes,
        });
    }
    files
}

/// The references a file at `from` may write: relative paths to each
/// fragment (with and without fragments, `./`, `..` detours, percent
/// escapes), back to the root, out of the root, to nothing.
fn refs_from(from: &str, fragments: &[&str]) -> Vec<String> {
    let up = "../".repeat(from.matches('/').count());
    let mut refs = Vec::new();
    for target in fragments.iter().chain(["spec/openapi.yaml"].iter()) {
        let relative = relative_path(from, target);
        for pointer in [
            "#/Pet",
            "#/Owner",
            "#/Node",
            "",
            "#",
            "#/Missing",
            "#/components/schemas/Pet",
            "#/get",
        ] {
            refs.push(format!("{relative}{pointer}"));
        }
        refs.push(format!("./{relative}#/Pet"));
        refs.push(format!("{relative}#/Pet/properties/owner"));
        refs.push(format!("{up}{target}#/Node"));
    }
    refs.extend(
        [
            format!("{up}../outside.yaml#/A"),
            format!("{up}../escape.json"),
            "/etc/passwd".to_owned(),
            "missing.yaml#/A".to_owned(),
            "spec/common/%73chemas.yaml#/Pet".to_owned(),
            "common//schemas.yaml#/Pet".to_owned(),
            "https://specs.example.com/spec/pet.json".to_owned(),
            "https://elsewhere.example/x.json#/A".to_owned(),
            "file:///etc/passwd".to_owned(),
            "common/schemas.yaml#/Pet#again".to_owned(),
            "common/schemas.yaml?x=1#/Pet".to_owned(),
        ]
        .into_iter()
        .filter(|r| !r.is_empty()),
    );
    refs
}

/// The path of `target` relative to the directory of `from` (both relative
/// to the same root, `/`-separated).
fn relative_path(from: &str, target: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len().saturating_sub(1)];
    let target: Vec<&str> = target.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&target)
        .take_while(|(a, b)| a == b)
        .count()
        .min(target.len().saturating_sub(1));
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&target[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path("spec/openapi.yaml", "spec/pet.json"),
            "pet.json"
        );
        assert_eq!(
            relative_path("spec/openapi.yaml", "shared/types.yaml"),
            "../shared/types.yaml"
        );
        assert_eq!(
            relative_path("spec/common/schemas.yaml", "spec/openapi.yaml"),
            "../openapi.yaml"
        );
        assert_eq!(
            relative_path("shared/types.yaml", "spec/common/deep/more.yaml"),
            "../spec/common/deep/more.yaml"
        );
    }

    #[test]
    fn cases_round_trip_through_json() {
        for target in Target::ALL {
            for seed in 0..20u8 {
                let data: Vec<u8> = (0..2_000u32)
                    .map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed))
                    .collect();
                let case = Case::generate(target, &data);
                let again = Case::from_json(&case.to_json()).expect("reads back");
                assert_eq!(case, again);
            }
        }
    }
}
