//! The MCP server handler: routes each request to the engine.

use std::sync::Arc;

use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, CompleteRequestParams, CompleteResult,
    GetPromptRequestParams, GetPromptResponse, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, ServerCapabilities,
    ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use specdex_query::Engine;

use crate::{metrics, outcome, prompts, resources, tools};

/// What the server tells every client on connecting: the path from a
/// question to the exact endpoint.
pub const INSTRUCTIONS: &str = "\
specdex is a catalog of API specifications (OpenAPI/Swagger). Use it to find the exact endpoint \
for a task and everything needed to call it, without reading whole specs. A provider may publish \
several APIs; an API is named `provider/api` (`jumpcloud/v2`, `twilio/messaging`).

1. search_apis — describe the task in plain words (\"delete an Active Directory agent\"); each hit \
names its API as `api` (`provider/api`) and, for endpoints, `METHOD /path`.
2. get_spec_summary / list_endpoints — orient yourself in one API (pass `api`): its purpose, auth \
and endpoint groups; then list endpoints by tag, method or words (paginated: pass next_cursor \
back as cursor).
3. get_endpoints — with the `api` the hit names, fetch only the endpoints you need, as \
[\"METHOD /path\", ...]: parameters, request body, responses, auth and a curl command.
4. get_schemas — expand body schemas named in type labels (depth inlines nested $refs).

Every answer is markdown plus the same data as structuredContent. A provider alone names its API \
only when it has one; otherwise the answer lists its APIs: retry with one. A wrong API, endpoint \
or schema name returns the closest matches: retry with one of them. list_versions shows older \
editions; pass `version` to ask about one; diff_versions says what changed between two (breaking \
changes named; pass `endpoints` to ask about the ones your code calls). Resources: specdex://{provider}/{api}/summary, \
specdex://{provider}/{api}/endpoints/{method}/{path}, specdex://{provider}/{api}/schemas/{name}.";

/// How long 2026-07-28 clients may cache what never changes while the
/// server runs (tools, prompts, resource templates). Listings of the catalog
/// itself keep rmcp's default: stale at once, since ingests change them.
const STATIC_TTL_MS: u64 = 10 * 60 * 1000;

/// The MCP face of an [`Engine`]. Cheap to clone: one per HTTP request.
#[derive(Clone)]
pub struct SpecdexMcp {
    engine: Arc<Engine>,
}

impl SpecdexMcp {
    pub fn new(engine: Arc<Engine>) -> SpecdexMcp {
        SpecdexMcp { engine }
    }

    /// The engine behind the server.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// The tools, as `tools/list` returns them.
    pub fn tools(&self) -> &'static [Tool] {
        tools::tools()
    }

    /// Answers a tool call: the same result `tools/call` returns.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<rmcp::model::JsonObject>,
    ) -> rmcp::model::CallToolResult {
        let result = self.answer_call(name, arguments).await;
        metrics::tool_call(name, &result);
        result
    }

    /// The result of a tool call, before it is counted.
    async fn answer_call(
        &self,
        name: &str,
        arguments: Option<rmcp::model::JsonObject>,
    ) -> rmcp::model::CallToolResult {
        let query = match tools::query(name, arguments) {
            Ok(Some(query)) => query,
            Ok(None) => return outcome::unknown_tool(name),
            Err(error) => return outcome::argument_error(name, &error),
        };
        match self.blocking(move |engine| engine.answer(&query)).await {
            Ok(Ok(answer)) => outcome::answer(&answer),
            Ok(Err(error)) => outcome::query_error(&error),
            Err(failure) => outcome::failure(&failure),
        }
    }

    /// Runs `work` over the engine on tokio's blocking pool: engine calls
    /// are synchronous, a cached answer takes microseconds and an uncached
    /// one reads SQLite. (Measured with scripts/bench-mcp: running cached
    /// answers inline would give ~20% more calls/s, but an uncached one
    /// would then stall an async worker.) A panic becomes an internal error.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Engine) -> T + Send + 'static,
    ) -> Result<T, ErrorData> {
        let engine = self.engine.clone();
        tokio::task::spawn_blocking(move || work(&engine))
            .await
            .map_err(|failure| {
                tracing::error!(%failure, "the query engine failed");
                ErrorData::internal_error("the query engine failed", None)
            })
    }
}

impl ServerHandler for SpecdexMcp {
    fn get_info(&self) -> ServerConfig {
        let mut implementation = Implementation::new("specdex", env!("CARGO_PKG_VERSION"));
        implementation.title = Some("specdex".to_owned());
        implementation.description = Some(
            "A catalog of API specifications: search APIs and endpoints, then fetch exactly \
             the endpoints and schemas an agent needs."
                .to_owned(),
        );
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .enable_completions()
                .build(),
        )
        .with_server_info(implementation)
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::tools().to_vec())
            .with_ttl_ms(STATIC_TTL_MS)
            .with_cache_scope(CacheScope::Public))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        tools::tool(name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        Ok(self.call(&request.name, request.arguments).await.into())
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let cursor = request.and_then(|r| r.cursor);
        self.blocking(move |engine| resources::list(engine, cursor.as_deref()))
            .await?
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(resources::list_templates()
            .with_ttl_ms(STATIC_TTL_MS)
            .with_cache_scope(CacheScope::Public))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let contents = self
            .blocking(move |engine| resources::read(engine, &request.uri))
            .await??;
        Ok(ReadResourceResult::new(vec![contents]).into())
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        self.blocking(move |engine| resources::complete(engine, &request))
            .await
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(prompts::list()
            .with_ttl_ms(STATIC_TTL_MS)
            .with_cache_scope(CacheScope::Public))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let result = self
            .blocking(move |engine| prompts::get(engine, &request))
            .await??;
        Ok(result.into())
    }
}
