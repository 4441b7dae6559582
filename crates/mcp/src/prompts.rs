//! Prompts: ready-made openings that walk a model through the tools.

use rmcp::ErrorData;
use rmcp::model::{
    GetPromptRequestParams, GetPromptResult, ListPromptsResult, Prompt, PromptArgument,
    PromptMessage, Role,
};
use specdex_query::{Engine, Query};

use crate::resources::{MARKDOWN, protocol_error, summary_uri};

pub const EXPLORE: &str = "explore_api";
pub const PLAN: &str = "plan_call";

pub fn prompts() -> Vec<Prompt> {
    vec![
        Prompt::new(
            EXPLORE,
            Some(
                "Get oriented in one API: its summary is attached, with the steps to go from \
                 its endpoint groups to the exact endpoints and schemas for a goal.",
            ),
            Some(vec![
                PromptArgument::new("provider")
                    .with_title("API")
                    .with_description("Provider slug (completions available).")
                    .with_required(true),
                PromptArgument::new("goal")
                    .with_title("Goal")
                    .with_description("What you want to do with the API (optional).")
                    .with_required(false),
            ]),
        )
        .with_title("Explore an API"),
        Prompt::new(
            PLAN,
            Some(
                "Plan one HTTP call for a task: find the endpoint, read it in full, resolve its \
                 body schema, and write the request with every required parameter.",
            ),
            Some(vec![
                PromptArgument::new("task")
                    .with_title("Task")
                    .with_description("What the call should do, in plain words.")
                    .with_required(true),
                PromptArgument::new("provider")
                    .with_title("API")
                    .with_description("Provider slug, if you already know the API.")
                    .with_required(false),
            ]),
        )
        .with_title("Plan an API call"),
    ]
}

pub fn list() -> ListPromptsResult {
    ListPromptsResult::with_all_items(prompts())
}

pub fn get(
    engine: &Engine,
    request: &GetPromptRequestParams,
) -> Result<GetPromptResult, ErrorData> {
    let argument = |name: &str| {
        request
            .arguments
            .as_ref()
            .and_then(|a| a.get(name))
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let required = |name: &str| {
        argument(name).ok_or_else(|| {
            ErrorData::invalid_params(
                format!("prompt `{}` needs the argument `{name}`", request.name),
                None,
            )
        })
    };
    match request.name.as_str() {
        EXPLORE => {
            let provider = required("provider")?;
            let summary = engine
                .answer(&Query::Summary {
                    provider: provider.to_owned(),
                    version: None,
                })
                .map_err(|e| protocol_error(&e))?;
            let goal = argument("goal")
                .map(|g| format!(" My goal: {g}."))
                .unwrap_or_default();
            let steps = format!(
                "I want to work with the `{provider}` API.{goal} Its summary is attached.\n\n\
                 1. Pick the endpoint groups (tags) that matter and call `list_endpoints` with \
                 `provider: \"{provider}\"` and `tag`, or `query` with a few words.\n\
                 2. Call `get_endpoints` with the `\"METHOD /path\"` keys you need (several at \
                 once is fine).\n\
                 3. Call `get_schemas` for request or response schemas named in their type \
                 labels, with `depth` only if you need nested fields inline.\n\n\
                 Then tell me which endpoints do what I need and how to call them."
            );
            Ok(GetPromptResult::new(vec![
                PromptMessage::new_text(Role::User, steps),
                PromptMessage::new_resource(
                    Role::User,
                    summary_uri(provider),
                    Some(MARKDOWN.to_owned()),
                    Some(summary.markdown.clone()),
                    None,
                    None,
                    None,
                ),
            ])
            .with_description(format!("Explore the {provider} API")))
        }
        PLAN => {
            let task = required("task")?;
            let (scope, find) = match argument("provider") {
                Some(provider) => {
                    // Fail early, with suggestions, on an unknown provider.
                    engine
                        .resolve(provider, None)
                        .map_err(|e| protocol_error(&e))?;
                    (
                        format!(" in the `{provider}` API"),
                        format!(
                            "Call `list_endpoints` with `provider: \"{provider}\"` and `query` set to \
                             the key words of the task (or `search_apis` with the task in plain \
                             words) to find candidate endpoints."
                        ),
                    )
                }
                None => (
                    String::new(),
                    "Call `search_apis` with the task in plain words to find the API and \
                     candidate endpoints."
                        .to_owned(),
                ),
            };
            let text = format!(
                "Plan one HTTP call{scope} that does this: {task}\n\n\
                 1. {find}\n\
                 2. Call `get_endpoints` for the best one or two candidates and pick the one \
                 that does exactly the task.\n\
                 3. If it takes a request body, call `get_schemas` for the body's schema to know \
                 its required fields.\n\
                 4. Write the request: method, full URL (base URL + path), every required path, \
                 query and header parameter, the auth it needs, and the body as JSON. Start from \
                 the curl command `get_endpoints` gives.\n\n\
                 Say which values I must supply and which you filled in."
            );
            Ok(
                GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
                    .with_description(format!("Plan a call: {task}")),
            )
        }
        other => Err(ErrorData::invalid_params(
            format!("no prompt `{other}`; the prompts are `{EXPLORE}` and `{PLAN}`"),
            None,
        )),
    }
}
