//! Tool calls counted through the [`metrics`] facade: a no-op unless the
//! process installed a recorder (the HTTP server does, for `GET /metrics`).

use rmcp::model::CallToolResult;

use crate::tools::TOOL_NAMES;

/// Counter of tool calls, by `tool` and `is_error`.
pub const TOOL_CALLS: &str = "specdex_mcp_tool_calls_total";

/// Counts one answered tool call. A name that is not one of the tools is
/// counted as `unknown`: names come from clients, and each distinct label
/// value would be a series of its own.
pub(crate) fn tool_call(name: &str, result: &CallToolResult) {
    // Described at each call rather than once, so the description is there
    // whether the recorder was installed before or after the first call; it
    // costs little beside a call.
    metrics::describe_counter!(
        TOOL_CALLS,
        "MCP tool calls answered, by tool and whether the result was an error (isError)."
    );
    let tool = TOOL_NAMES
        .iter()
        .copied()
        .find(|tool| *tool == name)
        .unwrap_or("unknown");
    let is_error = if result.is_error == Some(true) {
        "true"
    } else {
        "false"
    };
    metrics::counter!(TOOL_CALLS, "tool" => tool, "is_error" => is_error).increment(1);
}
