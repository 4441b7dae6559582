//! Is this call right? `specdex-check` holds a planned HTTP call against one
//! API description before an agent makes it, and names every problem: the
//! path matched to its template, the method, each parameter decoded by its
//! `style`/`explode` and validated against its schema, the request body's
//! content type and fields (JSON and form-encoded, Stripe's `a[b][c]`
//! included), and where the credentials go. Each problem says where it is
//! (`in`, `name`, a JSON pointer into the body), what the spec wants, and
//! the fix.
//!
//! Pure: no I/O. A [`Checker`] is built once per API description and then
//! answers any number of calls; the JSON Schema validators it needs (the
//! `jsonschema` crate: draft 4 with OpenAPI 3.0's `nullable` for Swagger 2
//! and OpenAPI 3.0, 2020-12 for 3.1) are compiled on first use and kept.
//!
//! Work is bounded on any input: a planned call's body is refused above
//! [`MAX_BODY_BYTES`] or [`MAX_BODY_DEPTH`] levels, at most
//! [`MAX_PROBLEMS`] problems are listed, and walks over schemas follow at
//! most a fixed number of references per step.

mod body;
mod defs;
mod form;
mod input;
mod params;
mod route;
mod security;
mod shape;
mod validate;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specdex_spec::{Api, Endpoint};

pub use crate::input::{CallInput, Scalar, Values};

use crate::defs::Defs;
use crate::route::{Matched, Router};
use crate::validate::Validators;

/// The largest body a planned call may carry.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The deepest nesting a planned call's JSON or form body may have.
pub const MAX_BODY_DEPTH: usize = 64;

/// At most this many problems are listed; the answer says how many more.
pub const MAX_PROBLEMS: usize = 50;

/// A call an agent plans to make.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlannedCall {
    /// HTTP method, any case.
    pub method: String,
    /// The concrete path (`/repos/octocat/hello/pulls/5`), optionally with a
    /// query string, or a whole URL on one of the API's servers.
    pub path: String,
    /// Query parameters in order; a name may repeat.
    pub query: Vec<(String, String)>,
    /// Request headers (names in any case).
    pub headers: Vec<(String, String)>,
    /// Cookies.
    pub cookies: Vec<(String, String)>,
    /// The body as sent: JSON text, form-encoded text (`a=1&b[c]=2`), or
    /// other text.
    pub body: Option<String>,
    /// The body's media type; else the `Content-Type` header, else guessed
    /// from the body (JSON when it parses as JSON, else form-encoded).
    pub content_type: Option<String>,
}

/// Whether a problem makes the call fail or only deserves a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The API would refuse the call, or do something else than intended.
    Error,
    /// The call may work, but something in it is likely not what was meant
    /// (a parameter the spec does not declare, a deprecated endpoint).
    Warning,
}

/// What kind of problem: a stable name agents can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// No endpoint has this path; `choices` holds the closest ones.
    UnknownPath,
    /// The path exists, not with this method; `choices` holds the methods.
    MethodNotAllowed,
    /// A required parameter is missing.
    MissingParameter,
    /// A parameter the endpoint does not declare.
    UnknownParameter,
    /// A parameter (or credential, or body field) sent in the wrong place.
    WrongLocation,
    /// The endpoint requires a request body.
    MissingBody,
    /// A body the endpoint does not take.
    UnexpectedBody,
    /// A body in a media type the endpoint does not accept.
    WrongContentType,
    /// The body does not parse as its media type.
    UnreadableBody,
    /// A required body field is missing.
    MissingField,
    /// A body field the schema does not declare.
    UnknownField,
    /// A field the server sets (`readOnly`), sent in a request.
    ReadOnlyField,
    /// A value of the wrong JSON type.
    WrongType,
    /// A value outside the allowed ones; `choices` holds them.
    NotInEnum,
    /// A string not in the declared `format` (date-time, email, uuid...).
    WrongFormat,
    /// A string that does not match the declared `pattern`.
    PatternMismatch,
    /// A number, length or count outside the declared limits.
    OutOfRange,
    /// A value that matches none of the `oneOf`/`anyOf` alternatives.
    NoAlternative,
    /// Any other schema rule the value breaks.
    InvalidValue,
    /// No credentials where the endpoint's security requires them.
    MissingCredentials,
    /// The endpoint or a parameter is deprecated.
    Deprecated,
    /// A part the checker could not hold against the spec (a schema the
    /// validator cannot compile); said so rather than passed silently.
    Unchecked,
}

/// The name serde gives a unit variant (`missing_field`, `error`).
fn variant_name<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Kind {
    /// The kind as the JSON answer writes it (`missing_field`).
    pub fn name(self) -> String {
        variant_name(self)
    }
}

impl Severity {
    /// `error` or `warning`.
    pub fn name(self) -> String {
        variant_name(self)
    }
}

/// One problem with a planned call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    pub kind: Kind,
    pub severity: Severity,
    /// The parameter, header or body field concerned.
    pub name: Option<String>,
    /// Where it is: `path`, `query`, `header`, `cookie` or `body`.
    #[serde(rename = "in")]
    pub location: Option<String>,
    /// A JSON pointer into the body (or into a parameter's value).
    pub pointer: Option<String>,
    /// What the spec wants there.
    pub expected: Option<String>,
    /// What is wrong, in a sentence.
    pub message: String,
    /// What to do about it.
    pub fix: String,
    /// The options to choose from: closest endpoints, allowed methods,
    /// allowed values, declared fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

impl Problem {
    fn new(kind: Kind, severity: Severity, message: String, fix: String) -> Problem {
        Problem {
            kind,
            severity,
            name: None,
            location: None,
            pointer: None,
            expected: None,
            message,
            fix,
            choices: Vec::new(),
        }
    }

    fn error(kind: Kind, message: impl Into<String>, fix: impl Into<String>) -> Problem {
        Problem::new(kind, Severity::Error, message.into(), fix.into())
    }

    fn warning(kind: Kind, message: impl Into<String>, fix: impl Into<String>) -> Problem {
        Problem::new(kind, Severity::Warning, message.into(), fix.into())
    }

    fn named(mut self, name: &str, location: &str) -> Problem {
        self.name = Some(name.to_owned());
        self.location = Some(location.to_owned());
        self
    }

    fn at(mut self, pointer: String) -> Problem {
        self.pointer = (!pointer.is_empty()).then_some(pointer);
        self
    }

    fn expecting(mut self, expected: impl Into<String>) -> Problem {
        self.expected = Some(expected.into());
        self
    }

    fn with_choices(mut self, choices: Vec<String>) -> Problem {
        self.choices = choices;
        self
    }
}

/// The answer about one planned call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verdict {
    /// True when no problem is an error.
    pub ok: bool,
    /// The endpoint the call was matched to, as `METHOD /template`.
    pub endpoint: Option<String>,
    pub problems: Vec<Problem>,
    /// Problems found beyond the [`MAX_PROBLEMS`] listed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub more_problems: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Checks planned calls against one API description. Build once per
/// description ([`Checker::new`] indexes the paths and prepares the named
/// schemas for validation); `check` takes `&self` and may run on many
/// threads at once.
pub struct Checker {
    api: Arc<Api>,
    router: Router,
    defs: Defs,
    validators: Validators,
}

impl Checker {
    pub fn new(api: Arc<Api>) -> Checker {
        let router = Router::new(&api);
        let defs = Defs::new(&api);
        let validators = Validators::new(&api);
        Checker {
            api,
            router,
            defs,
            validators,
        }
    }

    /// The API description calls are checked against.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// Every problem with `call`, errors first.
    pub fn check(&self, call: &PlannedCall) -> Verdict {
        let mut problems = Vec::new();
        let target = route::Target::parse(&call.path, &self.api.servers);
        let endpoint = match self.router.find(&call.method, &target.segments) {
            Matched::Endpoint { index, path_values } => {
                let endpoint = &self.api.endpoints[index];
                self.check_endpoint(index, endpoint, call, &target, &path_values, &mut problems);
                Some(endpoint.key())
            }
            Matched::WrongMethod { template, allowed } => {
                problems.push(
                    Problem::error(
                        Kind::MethodNotAllowed,
                        format!(
                            "{template} has no {} operation",
                            call.method.trim().to_uppercase()
                        ),
                        format!("use one of {}", allowed.join(", ")),
                    )
                    .expecting(allowed.join(" | "))
                    .with_choices(allowed),
                );
                None
            }
            Matched::Nothing => {
                let closest = self.router.closest(&call.method, &target.segments, 5);
                let fix = match closest.first() {
                    Some(best) => format!("did you mean {best}?"),
                    None => "list the endpoints to find the right path".to_owned(),
                };
                problems.push(
                    Problem::error(
                        Kind::UnknownPath,
                        format!("no endpoint matches {}", target.shown),
                        fix,
                    )
                    .with_choices(closest),
                );
                None
            }
        };
        verdict(endpoint, problems)
    }

    fn check_endpoint(
        &self,
        index: usize,
        endpoint: &Endpoint,
        call: &PlannedCall,
        target: &route::Target,
        path_values: &[(String, String)],
        problems: &mut Vec<Problem>,
    ) {
        if endpoint.deprecated {
            problems.push(Problem::warning(
                Kind::Deprecated,
                format!("{} is deprecated", endpoint.key()),
                "look for its replacement in the endpoint's description",
            ));
        }
        let request = params::Request::new(call, target);
        let body = body::Sent::read(call, &request);
        let context = Context {
            checker: self,
            index,
            endpoint,
        };
        params::check(
            &context,
            &request,
            path_values,
            &body.top_level_fields(),
            problems,
        );
        body::check(&context, &body, problems);
        security::check(&context, &request, problems);
    }
}

/// What the per-part checks share: the checker and the endpoint matched.
struct Context<'a> {
    checker: &'a Checker,
    index: usize,
    endpoint: &'a Endpoint,
}

/// Errors first, duplicates dropped, at most [`MAX_PROBLEMS`].
fn verdict(endpoint: Option<String>, mut problems: Vec<Problem>) -> Verdict {
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| {
        seen.insert((
            p.kind,
            p.location.clone(),
            p.name.clone(),
            p.pointer.clone(),
        ))
    });
    problems.sort_by_key(|p| p.severity != Severity::Error);
    let more_problems = problems.len().saturating_sub(MAX_PROBLEMS);
    problems.truncate(MAX_PROBLEMS);
    Verdict {
        ok: problems.iter().all(|p| p.severity != Severity::Error),
        endpoint,
        problems,
        more_problems,
    }
}

/// The candidate most like `asked` (by Jaro–Winkler similarity, case
/// ignored), if one is close enough to be a likely typo.
fn nearest<'a>(asked: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let asked = asked.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&asked, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `a, b, c` cut after `limit` items with "… (N more)".
fn listing(items: &[String], limit: usize) -> String {
    let mut out = items
        .iter()
        .take(limit)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > limit {
        out.push_str(&format!(", … ({} more)", items.len() - limit));
    }
    out
}
