//! MCP over a byte stream, as `specdex mcp` speaks it: the handler over an
//! in-process pipe in both lifecycles, and the example server's real
//! stdin/stdout (stdout carries protocol messages only).

mod common;

use std::path::PathBuf;
use std::process::Stdio;

use common::fixture_engine;
use rmcp::ServiceExt;
use serde_json::{Value, json};
use specdex_mcp::SpecdexMcp;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, Lines};

/// Newline-delimited JSON-RPC over a pair of streams.
struct Peer<R, W> {
    lines: Lines<BufReader<R>>,
    writer: W,
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin> Peer<R, W> {
    async fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.writer.write_all(line.as_bytes()).await.expect("write");
        self.writer.flush().await.expect("flush");
    }

    async fn receive(&mut self) -> Value {
        let line = self
            .lines
            .next_line()
            .await
            .expect("read")
            .expect("server answered before closing");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON on the wire ({e}): {line}"))
    }

    async fn request(&mut self, id: u64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        let reply = self.receive().await;
        assert_eq!(reply["id"], id, "{reply}");
        reply
    }
}

fn meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {},
    })
}

/// A 2025-06-18 session: handshake, list, call, a mistake.
async fn handshake_session<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(peer: &mut Peer<R, W>) {
    let init = peer
        .request(
            1,
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "test", "version": "1"}}),
        )
        .await;
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18", "{init}");
    peer.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .await;
    let tools = peer.request(2, "tools/list", json!({})).await;
    assert_eq!(
        tools["result"]["tools"].as_array().map(Vec::len),
        Some(specdex_mcp::TOOL_NAMES.len())
    );
    let call = peer
        .request(
            3,
            "tools/call",
            json!({"name": "get_endpoints",
                   "arguments": {"api": "petstore/api", "endpoints": ["DELETE /pets/{petId}"]}}),
        )
        .await;
    assert_eq!(call["result"]["isError"], false, "{call}");
    assert!(
        call["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("## DELETE /pets/{petId}")
    );
    assert_eq!(
        call["result"]["structuredContent"]["endpoints"][0]["operation_id"],
        "deletePet"
    );
    assert_eq!(call["result"]["structuredContent"]["api"], "petstore/api");
    let wrong = peer
        .request(
            4,
            "tools/call",
            // The previous release's `provider` argument still works.
            json!({"name": "get_schemas", "arguments": {"provider": "petstore", "names": ["Persn"]}}),
        )
        .await;
    assert_eq!(wrong["result"]["isError"], true, "{wrong}");
    assert!(
        wrong["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("`Person`")
    );
}

#[tokio::test]
async fn handshake_lifecycle_over_a_pipe() {
    let (engine, _dir) = fixture_engine();
    let (client, server) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server);
    let running = tokio::spawn(async move {
        let service = SpecdexMcp::new(engine)
            .serve((server_read, server_write))
            .await
            .expect("session starts");
        service.waiting().await.expect("session ends")
    });
    let (read, write) = tokio::io::split(client);
    let mut peer = Peer {
        lines: BufReader::new(read).lines(),
        writer: write,
    };
    handshake_session(&mut peer).await;
    drop(peer);
    running.await.expect("server task");
}

#[tokio::test]
async fn discover_lifecycle_over_a_pipe() {
    let (engine, _dir) = fixture_engine();
    let (client, server) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server);
    tokio::spawn(async move {
        if let Ok(service) = SpecdexMcp::new(engine)
            .serve((server_read, server_write))
            .await
        {
            let _ = service.waiting().await;
        }
    });
    let (read, write) = tokio::io::split(client);
    let mut peer = Peer {
        lines: BufReader::new(read).lines(),
        writer: write,
    };
    let discovered = peer
        .request(1, "server/discover", json!({"_meta": meta()}))
        .await;
    let instructions = discovered["result"]["instructions"]
        .as_str()
        .unwrap_or_default();
    assert!(instructions.contains("search_apis"), "{discovered}");
    let call = peer
        .request(
            2,
            "tools/call",
            json!({"_meta": meta(), "name": "search_apis",
                   "arguments": {"query": "forecast", "scope": "endpoints"}}),
        )
        .await;
    assert_eq!(call["result"]["isError"], false, "{call}");
    assert_eq!(
        call["result"]["structuredContent"]["results"][0]["path"],
        "/forecast/{city}"
    );
    assert_eq!(
        call["result"]["structuredContent"]["results"][0]["api"],
        "weather-service/forecasts"
    );
}

/// The example server built next to this test (`cargo test` builds examples).
fn example_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let binary = exe
        .parent()?
        .parent()?
        .join("examples")
        .join(format!("mcp-serve{}", std::env::consts::EXE_SUFFIX));
    binary.is_file().then_some(binary)
}

#[tokio::test]
async fn real_stdio_carries_protocol_messages_only() {
    let Some(binary) = example_binary() else {
        eprintln!("skipped: the mcp-serve example is not built");
        return;
    };
    let (_, dir) = fixture_engine();
    let mut child = tokio::process::Command::new(binary)
        .arg("--db")
        .arg(dir.path().join("catalog.db"))
        .arg("--stdio")
        .env("SPECDEX_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the example server");
    let mut peer = Peer {
        lines: BufReader::new(child.stdout.take().expect("stdout")).lines(),
        writer: child.stdin.take().expect("stdin"),
    };
    // Every line `receive` reads must be JSON, debug logging on or not.
    handshake_session(&mut peer).await;
    drop(peer.writer);
    let rest = peer.lines.next_line().await.expect("read");
    assert_eq!(rest, None, "nothing after the session on stdout");
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait())
        .await
        .expect("the server exits when the client hangs up")
        .expect("status");
    assert!(status.success(), "{status}");
}
