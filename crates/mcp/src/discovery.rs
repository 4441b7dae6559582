//! `GET /.well-known/mcp`: what the server is and offers, readable without
//! connecting (after the MCP server-card proposal): identity, transport,
//! protocol versions, capabilities, instructions, tools with their schemas,
//! resource templates and prompts.

use rmcp::ServerHandler;
use serde_json::json;

use crate::handler::SpecdexMcp;
use crate::{MCP_PATH, prompts, resources};

/// The discovery document as JSON bytes (rendered once per router).
pub fn card(server: &SpecdexMcp) -> Vec<u8> {
    let info = server.get_info();
    let versions: Vec<String> = server
        .supported_protocol_versions()
        .iter()
        .map(|v| v.to_string())
        .collect();
    let document = json!({
        "serverInfo": info.server_info,
        "description": info.server_info.description,
        "transports": [{
            "type": "streamable-http",
            "url": MCP_PATH,
            "stateless": true,
            "methods": ["POST"],
        }],
        "protocolVersions": versions,
        "capabilities": info.capabilities,
        "instructions": info.instructions,
        "tools": server.tools(),
        "resourceTemplates": resources::templates(),
        "resources": { "list": "one summary per API: specdex://{provider}/{api}/summary" },
        "prompts": prompts::prompts(),
        "authentication": { "required": false },
    });
    serde_json::to_vec_pretty(&document).unwrap_or_default()
}
