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
                PromptArgument::new("api")
                    .with_title("API")
                    .with_description(
                        "The API as `provider/api` (`jumpcloud/v2`), or a provider with one API \
                         (completions available).",
                    )
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
                PromptArgument::new("api")
                    .with_title("API")
                    .with_description("The API as `provider/api`, if you already know it.")
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
    let missing = |name: &str| {
        ErrorData::invalid_params(
            format!("prompt `{}` needs the argument `{name}`", request.name),
            None,
        )
    };
    let required = |name: &str| argument(name).ok_or_else(|| missing(name));
    // `api`, or `provider` as the previous release called it; the API's id
    // as the engine resolves it.
    let api = || -> Result<Option<String>, ErrorData> {
        let name = match (argument("api"), argument("provider")) {
            (Some(_), Some(_)) => {
                return Err(ErrorData::invalid_params(
                    format!(
                        "prompt `{}` takes `api` or `provider` (its older name), not both",
                        request.name
                    ),
                    None,
                ));
            }
            (Some(name), None) | (None, Some(name)) => name,
            (None, None) => return Ok(None),
        };
        engine
            .api_id(name)
            .map(Some)
            .map_err(|e| protocol_error(&e))
    };
    match request.name.as_str() {
        EXPLORE => {
            let api = api()?.ok_or_else(|| missing("api"))?;
            let summary = engine
                .answer(&Query::Summary {
                    api: api.clone(),
                    version: None,
                })
                .map_err(|e| protocol_error(&e))?;
            let goal = argument("goal")
                .map(|g| format!(" My goal: {g}."))
                .unwrap_or_default();
            let steps = format!(
                "I want to work with the `{api}` API.{goal} Its summary is attached.\n\n\
                 1. Pick the endpoint groups (tags) that matter and call `list_endpoints` with \
                 `api: \"{api}\"` and `tag`, or `query` with a few words.\n\
                 2. Call `get_endpoints` with `api: \"{api}\"` and the `\"METHOD /path\"` keys \
                 you need (several at once is fine).\n\
                 3. Call `get_schemas` for request or response schemas named in their type \
                 labels, with `depth` only if you need nested fields inline.\n\n\
                 Then tell me which endpoints do what I need and how to call them."
            );
            Ok(GetPromptResult::new(vec![
                PromptMessage::new_text(Role::User, steps),
                PromptMessage::new_resource(
                    Role::User,
                    summary_uri(&api),
                    Some(MARKDOWN.to_owned()),
                    Some(summary.markdown.clone()),
                    None,
                    None,
                    None,
                ),
            ])
            .with_description(format!("Explore the {api} API")))
        }
        PLAN => {
            let task = required("task")?;
            // Fails early, with suggestions, on an unknown or ambiguous API.
            let (scope, find) = match api()? {
                Some(api) => (
                    format!(" in the `{api}` API"),
                    format!(
                        "Call `list_endpoints` with `api: \"{api}\"` and `query` set to the key \
                         words of the task (or `search_apis` with the task in plain words) to find \
                         candidate endpoints."
                    ),
                ),
                None => (
                    String::new(),
                    "Call `search_apis` with the task in plain words to find the API \
                     (`provider/api`) and candidate endpoints."
                        .to_owned(),
                ),
            };
            let text = format!(
                "Plan one HTTP call{scope} that does this: {task}\n\n\
                 1. {find}\n\
                 2. Call `get_endpoints` with the API the candidates belong to (`api`, as \
                 `provider/api`) for the best one or two and pick the one that does exactly the \
                 task.\n\
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
