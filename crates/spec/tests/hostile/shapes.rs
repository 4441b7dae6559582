//! Hostile documents, generated at any size: the hostile test suite
//! (`tests/hostile.rs`) times each shape at two sizes, the benchmark
//! (`benches/hostile.rs`) at several. Nothing is stored: a shape is a
//! function of its size.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use specdex_spec::{Base, Fetch, FetchError, ReadDocument, ReadOptions, SpecError, read_api};

/// What reading a shape must give, whatever its size.
pub enum Expect {
    /// Refused, the message saying this.
    Refused(&'static str),
    /// Read, with at least this many endpoints.
    Read { endpoints: usize },
}

impl Expect {
    /// `None` if reading `doc` gives what is expected, else what it gave.
    pub fn mismatch(&self, doc: &Document) -> Option<String> {
        match (doc.read(), self) {
            (Err(err), Expect::Refused(says)) if err.to_string().contains(says) => None,
            (Ok(read), Expect::Read { endpoints }) if read.api.endpoints.len() >= *endpoints => {
                None
            }
            (Err(err), _) => Some(format!("refused: {err}")),
            (Ok(read), _) => Some(format!("read, {} endpoints", read.api.endpoints.len())),
        }
    }
}

/// One hostile shape: `build(n)` grows linearly with `n`.
pub struct Shape {
    pub name: &'static str,
    pub build: fn(usize) -> Document,
    pub expect: Expect,
    /// A size whose read takes a few milliseconds.
    pub small: usize,
}

/// A root document and the files it references, all in memory.
pub struct Document {
    pub root: String,
    pub files: BTreeMap<String, String>,
}

impl Document {
    fn single(root: String) -> Document {
        Document {
            root,
            files: BTreeMap::new(),
        }
    }

    /// Its size in bytes, every file included.
    pub fn len(&self) -> usize {
        self.root.len() + self.files.values().map(String::len).sum::<usize>()
    }

    /// Reads it through the public reader, as ingest does.
    pub fn read(&self) -> Result<ReadDocument, SpecError> {
        read_api(
            "api.yaml",
            self.root.as_bytes(),
            &Base::File(PathBuf::from("api.yaml")),
            self,
            &ReadOptions::default(),
        )
    }
}

impl Fetch for Document {
    fn read_file(&self, relative: &Path) -> Result<Vec<u8>, FetchError> {
        let name = relative.to_string_lossy();
        self.files
            .get(name.as_ref())
            .map(|text| text.as_bytes().to_vec())
            .ok_or_else(|| FetchError::NotFound(name.into_owned()))
    }

    fn read_url(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        Err(FetchError::NotFound(url.to_owned()))
    }
}

const JSON_HEAD: &str = r#"{"openapi": "3.0.3", "info": {"title": "Hostile", "version": "1"}"#;
const YAML_HEAD: &str = "openapi: 3.0.3\ninfo: {title: Hostile, version: '1'}\n";
const DEEP: &str = "nesting deeper than 128 levels";

/// One GET endpoint at `path` answering with `schema` (a JSON value).
fn endpoint(path: &str, schema: &str) -> String {
    format!(
        r#""{path}": {{"get": {{"responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {schema}}}}}}}}}}}}}"#
    )
}

/// `n` endpoints, the i-th at `path(i)`, each answering with the named schema.
fn endpoints(n: usize, path: impl Fn(usize) -> String, schema: &str) -> String {
    let reference = format!(r##"{{"$ref": "#/components/schemas/{schema}"}}"##);
    (0..n)
        .map(|i| endpoint(&path(i), &reference))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON document with `paths` and `components/schemas` written out.
fn json_document(paths: &str, schemas: &str) -> String {
    format!(r#"{JSON_HEAD}, "paths": {{{paths}}}, "components": {{"schemas": {{{schemas}}}}}}}"#)
}

fn json_arrays(n: usize) -> Document {
    Document::single("[".repeat(n) + &"]".repeat(n))
}

fn json_nested_in_document(n: usize) -> Document {
    Document::single(format!(
        r#"{JSON_HEAD}, "x-deep": {}{}}}"#,
        "[".repeat(n),
        "]".repeat(n)
    ))
}

fn json_nested_objects(n: usize) -> Document {
    Document::single(format!(
        r#"{JSON_HEAD}, "x-deep": {}1{}}}"#,
        r#"{"a": "#.repeat(n),
        "}".repeat(n)
    ))
}

fn yaml_flow_nested(n: usize) -> Document {
    Document::single(format!(
        "{YAML_HEAD}x-deep: {}{}\n",
        "[".repeat(n),
        "]".repeat(n)
    ))
}

fn yaml_flow_mappings(n: usize) -> Document {
    Document::single(format!(
        "{YAML_HEAD}x-deep: {}1{}\n",
        "{a: ".repeat(n),
        "}".repeat(n)
    ))
}

/// `n` items in flow sequences nested 120 deep, just inside the limit: the
/// YAML scanner's work per token grows with the depth, so this is the
/// most a document can cost it per byte.
fn yaml_wide_at_depth(n: usize) -> Document {
    Document::single(format!(
        "{YAML_HEAD}x-wide: {}{}{}\n",
        "[".repeat(120),
        vec!["1"; n].join(", "),
        "]".repeat(120)
    ))
}

fn yaml_block_nested(n: usize) -> Document {
    Document::single(format!("{YAML_HEAD}x-deep:\n  {}x\n", "- ".repeat(n)))
}

/// A list of `n` scalars under an anchor, then `n` aliases to it: each
/// alias expands to the whole list, so the value grows with n².
fn yaml_alias_square(n: usize) -> Document {
    let mut text = format!("{YAML_HEAD}x-list: &l [");
    text.push_str(&vec!["lol"; n].join(", "));
    text.push_str("]\nx-bomb: [");
    text.push_str(&vec!["*l"; n].join(", "));
    text.push_str("]\n");
    Document::single(text)
}

/// Nine aliases per level, eight levels: the classic billion laughs,
/// widened with `n` more aliases at the top.
fn yaml_billion_laughs(n: usize) -> Document {
    let mut text = format!("{YAML_HEAD}x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let mut previous = "a".to_owned();
    for level in 0..8 {
        let name = format!("l{level}");
        let _ = writeln!(
            text,
            "x-{name}: &{name} [{}]",
            vec![format!("*{previous}"); 9].join(", ")
        );
        previous = name;
    }
    let _ = writeln!(
        text,
        "x-top: [{}]",
        vec![format!("*{previous}"); n].join(", ")
    );
    Document::single(text)
}

/// An endpoint's schema is the head of a chain of `n` named schemas, each
/// a `$ref` to the next.
fn ref_chain(n: usize) -> Document {
    let schemas: Vec<String> = (0..n)
        .map(|i| format!(r##""S{i}": {{"$ref": "#/components/schemas/S{}"}}"##, i + 1))
        .chain([format!(r#""S{n}": {{"type": "string"}}"#)])
        .collect();
    let paths = endpoint("/chain", r##"{"$ref": "#/components/schemas/S0"}"##);
    Document::single(json_document(&paths, &schemas.join(", ")))
}

/// `n` endpoints sharing one parameter whose `$ref` chain is `n` long: a
/// reader that followed the whole chain for every use would do n².
fn shared_parameter_chain(n: usize) -> Document {
    let parameters: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r##""P{i}": {{"$ref": "#/components/parameters/P{}"}}"##,
                i + 1
            )
        })
        .chain([format!(
            r#""P{n}": {{"name": "q", "in": "query", "schema": {{"type": "string"}}}}"#
        )])
        .collect();
    let paths: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r##""/p{i}": {{"get": {{"parameters": [{{"$ref": "#/components/parameters/P0"}}], "responses": {{"200": {{"description": "ok"}}}}}}}}"##
            )
        })
        .collect();
    Document::single(format!(
        r#"{JSON_HEAD}, "paths": {{{}}}, "components": {{"parameters": {{{}}}}}}}"#,
        paths.join(", "),
        parameters.join(", ")
    ))
}

/// The same chain across `n` files: the root names f0.json, which names f1.json…
fn file_chain(n: usize) -> Document {
    let files = (0..n)
        .map(|i| {
            let next = if i + 1 == n {
                r#"{"type": "string"}"#.to_owned()
            } else {
                format!(r#"{{"$ref": "f{}.json"}}"#, i + 1)
            };
            (format!("f{i}.json"), next)
        })
        .collect();
    let paths = endpoint("/chain", r#"{"$ref": "f0.json"}"#);
    Document {
        root: json_document(&paths, ""),
        files,
    }
}

/// `n` endpoints whose schema is one `allOf` of all `n` named schemas,
/// each with a property: a reader that expands the fan per use does n².
fn allof_fan(n: usize) -> Document {
    let schemas: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#""P{i}": {{"type": "object", "properties": {{"p{i}": {{"type": "integer"}}}}}}"#
            )
        })
        .collect();
    let parts: Vec<String> = (0..n)
        .map(|i| format!(r##"{{"$ref": "#/components/schemas/P{i}"}}"##))
        .collect();
    let fan = format!(r#""Fan": {{"allOf": [{}]}}"#, parts.join(", "));
    let paths = endpoints(n, |i| format!("/fan/{i}"), "Fan");
    Document::single(json_document(&paths, &(schemas.join(", ") + ", " + &fan)))
}

/// A schema of `n` properties, inline in an endpoint and named in components.
fn many_keys(n: usize) -> Document {
    let properties: Vec<String> = (0..n)
        .map(|i| format!(r#""k{i}": {{"type": "string"}}"#))
        .collect();
    let schema = format!(
        r#"{{"type": "object", "properties": {{{}}}}}"#,
        properties.join(", ")
    );
    let paths = endpoint("/keys", &schema);
    Document::single(json_document(&paths, &format!(r#""Wide": {schema}"#)))
}

/// One description of `n` kilobytes, quotes and escapes included.
fn huge_string(n: usize) -> Document {
    let text = r#"a \"quoted\" word, \u00e9, [brackets] {braces} "#.repeat(n * 1024 / 48);
    let paths = endpoint(
        "/long",
        &format!(r#"{{"type": "string", "description": "{text}"}}"#),
    );
    Document::single(json_document(&paths, ""))
}

/// `n` paths, each with a path parameter and a shared schema.
fn many_paths(n: usize) -> Document {
    let paths = endpoints(n, |i| format!("/items{i}/{{id}}"), "Item");
    Document::single(json_document(
        &paths,
        r#""Item": {"type": "object", "properties": {"id": {"type": "string"}}}"#,
    ))
}

/// The same many paths in YAML, block style.
fn many_paths_yaml(n: usize) -> Document {
    let mut text = YAML_HEAD.to_owned() + "paths:\n";
    for i in 0..n {
        let _ = write!(
            text,
            "  /items{i}/{{id}}:\n    get:\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200': {{description: ok}}\n"
        );
    }
    Document::single(text)
}

/// Every hostile shape.
pub fn all() -> Vec<Shape> {
    let refused = |name, build, small| Shape {
        name,
        build,
        expect: Expect::Refused(DEEP),
        small,
    };
    let read = |name, build, endpoints, small| Shape {
        name,
        build,
        expect: Expect::Read { endpoints },
        small,
    };
    vec![
        refused("json nested arrays", json_arrays, 2_000),
        refused(
            "json arrays inside a document",
            json_nested_in_document,
            2_000,
        ),
        refused("json nested objects", json_nested_objects, 2_000),
        refused("yaml flow sequences", yaml_flow_nested, 2_000),
        refused("yaml flow mappings", yaml_flow_mappings, 2_000),
        refused("yaml block sequences", yaml_block_nested, 20_000),
        read("yaml wide at depth 120", yaml_wide_at_depth, 0, 2_000),
        Shape {
            name: "yaml alias square",
            build: yaml_alias_square,
            expect: Expect::Refused("aliases expand"),
            small: 2_000,
        },
        Shape {
            name: "yaml billion laughs",
            build: yaml_billion_laughs,
            expect: Expect::Refused("aliases expand"),
            small: 10,
        },
        read("$ref chain", ref_chain, 1, 500),
        read("$ref chain across files", file_chain, 1, 200),
        read("shared parameter chain", shared_parameter_chain, 1, 200),
        read("allOf fan", allof_fan, 1, 100),
        read("many keys", many_keys, 1, 1_000),
        read("huge string", huge_string, 1, 100),
        read("many paths (JSON)", many_paths, 1, 500),
        read("many paths (YAML)", many_paths_yaml, 1, 500),
    ]
}
