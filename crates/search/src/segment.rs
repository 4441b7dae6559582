//! Segments: one API snapshot's search data, built once, stored as bytes.

/// Version of the segment layout and of the text analysis behind it. A
/// catalog holding segments of another format rebuilds them (from the stored
/// snapshots) when it is opened; bump it whenever the bytes
/// [`build_segment`] produces for the same input change.
pub const SEGMENT_FORMAT: u32 = 1;

/// What an API says about itself.
#[derive(Debug, Clone, Copy)]
pub struct ApiText<'a> {
    /// `info.title`.
    pub title: &'a str,
    /// The start of `info.description` (the store keeps the first
    /// `PROVIDER_DESCRIPTION_PREFIX_CHARS` characters).
    pub description: Option<&'a str>,
    /// The names of the document's tags.
    pub tags: &'a [String],
}

/// What an endpoint says about itself.
#[derive(Debug, Clone, Copy)]
pub struct EndpointText<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub operation_id: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub tags: &'a [String],
    pub deprecated: bool,
    /// The start of the description (the store keeps the first
    /// `DESCRIPTION_PREFIX_CHARS` characters).
    pub description: Option<&'a str>,
}

/// The segment of one snapshot. Deterministic: the same text gives the same
/// bytes.
pub fn build_segment(api: &ApiText<'_>, endpoints: &[EndpointText<'_>]) -> Vec<u8> {
    // Placeholder layout until the index lands: enough for the store to
    // persist and compare.
    let mut out = Vec::new();
    out.extend_from_slice(api.title.as_bytes());
    for e in endpoints {
        out.push(0);
        out.extend_from_slice(e.method.as_bytes());
        out.extend_from_slice(e.path.as_bytes());
    }
    out
}
