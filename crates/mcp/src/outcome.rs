//! Tool results: an [`Answer`] as markdown text plus `structuredContent`,
//! and every mistake as an `isError` result that says what to do instead.

use std::fmt::Write;

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::Value;
use specdex_query::{Answer, QueryError};

use crate::tools::TOOL_NAMES;

/// Arguments that do not fit a tool's input schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentError {
    /// The argument at fault (`limit`, `endpoints[2]`); `None` when the
    /// arguments as a whole are wrong (a missing or unknown field).
    pub argument: Option<String>,
    /// What serde said, in its words.
    pub message: String,
}

/// A successful answer: markdown for every client, the JSON for those that
/// read `structuredContent`.
pub fn answer(answer: &Answer) -> CallToolResult {
    // The engine wrote this JSON itself; it always parses.
    let structured = serde_json::from_str::<Value>(&answer.json).unwrap_or(Value::Null);
    let mut result = CallToolResult::success(vec![ContentBlock::text(answer.markdown.clone())]);
    result.structured_content = Some(structured);
    result
}

fn error_result(text: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// The engine's names for parameters are REST's (`e`, `endpoint`, `q`); the
/// tools call them `endpoints` and `query`.
fn argument_name(parameter: &str) -> &str {
    match parameter {
        "e" | "endpoint" => "endpoints",
        "q" => "query",
        other => other,
    }
}

/// An engine error as a tool result a model can act on.
pub fn query_error(error: &QueryError) -> CallToolResult {
    let text = match error {
        QueryError::BadRequest { parameter, message } => format!(
            "Invalid argument `{}`: {message}.",
            argument_name(parameter)
        ),
        QueryError::NotFound {
            what,
            name,
            suggestions,
        } => {
            let mut text = format!("Not found: {what} {name}.\n");
            if suggestions.is_empty() {
                text.push_str("\nNothing close to it exists.\n");
            } else {
                text.push_str("\nClosest matches:\n");
                for s in suggestions {
                    let _ = writeln!(text, "- `{s}`");
                }
            }
            text.push('\n');
            text.push_str(match *what {
                "API" => {
                    "Name an API as `provider/api` (a provider with one API may be named \
                     alone); find APIs with `search_apis` (scope `apis`)."
                }
                "provider" => "Find providers and their APIs with `search_apis` (scope `apis`).",
                "version" => {
                    "See every edition with `list_versions`, or leave the edition out: \
                     `version` defaults to the current one, `diff_versions` compares the \
                     previous one with the current one."
                }
                "endpoint" => "Ask again with one of these, or browse with `list_endpoints`.",
                "schema" => "Ask again with one of these names.",
                _ => "Ask again with one of these.",
            });
            text
        }
        QueryError::Ambiguous { provider, apis } => {
            let mut text = format!(
                "Provider `{provider}` has {} APIs; name one of:\n",
                apis.len()
            );
            for api in apis {
                let _ = writeln!(text, "- `{api}`");
            }
            text.push_str("\nAsk again with `api` set to one of these.");
            text
        }
        QueryError::Unauthorized(message)
        | QueryError::Forbidden(message)
        | QueryError::Unreadable(message) => format!("{message}."),
        QueryError::Store(_) if error.code() == "unavailable" => {
            "The catalog is busy; try again in a moment.".to_owned()
        }
        QueryError::Store(e) => format!("The catalog failed to answer: {e}."),
    };
    error_result(text)
}

/// The server failed (a protocol-level internal error, reported in band so
/// the model sees it).
pub fn failure(error: &rmcp::ErrorData) -> CallToolResult {
    error_result(format!("The server failed to answer: {}.", error.message))
}

/// Arguments that do not fit the tool.
pub fn argument_error(tool: &str, error: &ArgumentError) -> CallToolResult {
    let message = error
        .message
        .replace("usize", "a whole number")
        .replace("u32", "a whole number");
    let text = match &error.argument {
        Some(argument) => format!("Invalid argument `{argument}` for `{tool}`: {message}."),
        None => format!("Invalid arguments for `{tool}`: {message}."),
    };
    error_result(text)
}

/// A tool name that does not exist. A model that guessed a name gets the
/// real ones back instead of a protocol error it cannot read.
pub fn unknown_tool(name: &str) -> CallToolResult {
    let mut text = format!("No tool `{name}`. The tools are:\n");
    for tool in TOOL_NAMES {
        let _ = writeln!(text, "- `{tool}`");
    }
    error_result(text)
}
