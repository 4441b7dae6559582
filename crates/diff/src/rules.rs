//! Every rule the diff engine applies, in one table: its stable id, its
//! level and a one-line example. `docs/diff-rules.md` lists the same table
//! for people (a test keeps the two equal), and every rule has a fixture pair
//! under `tests/rules/`.

use serde::{Deserialize, Serialize};

/// How much a change matters to a client written against the older edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Nothing a client did before stops working.
    Info,
    /// May break some clients (a value it sent may now be ignored or
    /// refused, a base URL it used is gone).
    Warning,
    /// A request that was valid is refused, or a response a client could
    /// read no longer has the shape it expects.
    Breaking,
}

impl Level {
    /// `breaking`, `warning`, `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Breaking => "breaking",
        }
    }

    /// Reads `breaking`, `warning` or `info`.
    pub fn parse(text: &str) -> Option<Level> {
        match text.trim().to_ascii_lowercase().as_str() {
            "breaking" | "error" => Some(Level::Breaking),
            "warning" | "warn" => Some(Level::Warning),
            "info" => Some(Level::Info),
            _ => None,
        }
    }
}

/// One rule: what it detects and how much it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id (`request-parameter-became-required`).
    pub id: &'static str,
    pub level: Level,
    /// What the change is, as the start of a sentence.
    pub title: &'static str,
    /// A one-line example.
    pub example: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $level:ident, $title:literal, $example:literal;)*) => {
        $(
            #[doc = $example]
            pub const $name: Rule = Rule { id: $id, level: Level::$level, title: $title, example: $example };
        )*
        /// Every rule, in the order `docs/diff-rules.md` lists them.
        pub const RULES: &[Rule] = &[$($name),*];
    };
}

rules! {
    ENDPOINT_ADDED = "endpoint-added", Info, "Endpoint added",
        "`POST /pets` appears.";
    ENDPOINT_REMOVED = "endpoint-removed", Breaking, "Endpoint removed",
        "`DELETE /pets/{id}` is gone without having been deprecated.";
    DEPRECATED_ENDPOINT_REMOVED = "endpoint-removed-after-deprecation", Warning, "Deprecated endpoint removed",
        "`GET /v1/pets`, deprecated in the older edition, is gone.";
    ENDPOINT_DEPRECATED = "endpoint-deprecated", Warning, "Endpoint deprecated",
        "`GET /pets` gets `deprecated: true`.";
    ENDPOINT_REACTIVATED = "endpoint-reactivated", Info, "Endpoint no longer deprecated",
        "`GET /pets` loses `deprecated: true`.";

    PARAMETER_REQUIRED_ADDED = "request-parameter-required-added", Breaking, "Required parameter added",
        "`GET /pets` now requires the query parameter `owner`.";
    PARAMETER_OPTIONAL_ADDED = "request-parameter-optional-added", Info, "Optional parameter added",
        "`GET /pets` accepts a new query parameter `limit`.";
    PARAMETER_REMOVED = "request-parameter-removed", Warning, "Parameter removed",
        "`GET /pets` no longer declares the query parameter `sort`.";
    PARAMETER_BECAME_REQUIRED = "request-parameter-became-required", Breaking, "Parameter made required",
        "The query parameter `limit` was optional and is now required.";
    PARAMETER_BECAME_OPTIONAL = "request-parameter-became-optional", Info, "Parameter made optional",
        "The header `X-Request-Id` was required and is now optional.";
    PARAMETER_LOCATION_CHANGED = "request-parameter-location-changed", Breaking, "Parameter moved",
        "`api_key` moves from the query string to a header.";
    PARAMETER_TYPE_CHANGED = "request-parameter-type-changed", Breaking, "Parameter type changed",
        "The query parameter `limit` changes from `integer` to `string`.";
    PARAMETER_FORMAT_CHANGED = "request-parameter-format-changed", Warning, "Parameter format changed",
        "The query parameter `since` changes format from `date` to `date-time`.";
    PARAMETER_ENUM_VALUE_REMOVED = "request-parameter-enum-value-removed", Breaking, "Parameter value no longer allowed",
        "The query parameter `state` no longer allows `all`.";
    PARAMETER_ENUM_VALUE_ADDED = "request-parameter-enum-value-added", Info, "Parameter value added",
        "The query parameter `state` also allows `draft`.";
    PARAMETER_DEFAULT_CHANGED = "request-parameter-default-changed", Warning, "Parameter default changed",
        "The default of the query parameter `per_page` changes from 30 to 10.";
    PARAMETER_PATTERN_CHANGED = "request-parameter-pattern-changed", Warning, "Parameter pattern changed",
        "The path parameter `id` changes pattern from `^[0-9]+$` to `^pet_[0-9]+$`.";
    PARAMETER_LIMIT_TIGHTENED = "request-parameter-limit-tightened", Breaking, "Parameter limit tightened",
        "The query parameter `per_page` changes `maximum` from 100 to 50.";

    BODY_REQUIRED_ADDED = "request-body-required-added", Breaking, "Required request body added",
        "`POST /pets/{id}/feed` now requires a body.";
    BODY_OPTIONAL_ADDED = "request-body-optional-added", Info, "Optional request body added",
        "`POST /pets/{id}/feed` now accepts an optional body.";
    BODY_REMOVED = "request-body-removed", Warning, "Request body removed",
        "`POST /pets/{id}/feed` no longer declares a body.";
    BODY_BECAME_REQUIRED = "request-body-became-required", Breaking, "Request body made required",
        "The body of `PATCH /pets/{id}` was optional and is now required.";
    BODY_BECAME_OPTIONAL = "request-body-became-optional", Info, "Request body made optional",
        "The body of `PATCH /pets/{id}` was required and is now optional.";
    BODY_MEDIA_TYPE_REMOVED = "request-body-media-type-removed", Breaking, "Request content type removed",
        "`POST /pets` no longer accepts `application/xml`.";
    BODY_MEDIA_TYPE_ADDED = "request-body-media-type-added", Info, "Request content type added",
        "`POST /pets` also accepts `application/x-www-form-urlencoded`.";

    REQUEST_PROPERTY_REQUIRED_ADDED = "request-property-required-added", Breaking, "Required request property added",
        "The body of `POST /pets` must now carry `owner_id`.";
    REQUEST_PROPERTY_OPTIONAL_ADDED = "request-property-optional-added", Info, "Optional request property added",
        "The body of `POST /pets` may carry `nickname`.";
    REQUEST_PROPERTY_REMOVED = "request-property-removed", Warning, "Request property removed",
        "The body of `POST /pets` no longer declares `color`.";
    REQUEST_PROPERTY_BECAME_REQUIRED = "request-property-became-required", Breaking, "Request property made required",
        "`tag` in the body of `POST /pets` was optional and is now required.";
    REQUEST_PROPERTY_BECAME_OPTIONAL = "request-property-became-optional", Info, "Request property made optional",
        "`tag` in the body of `POST /pets` was required and is now optional.";
    REQUEST_PROPERTY_TYPE_CHANGED = "request-property-type-changed", Breaking, "Request property type changed",
        "`age` in the body of `POST /pets` changes from `integer` to `string`.";
    REQUEST_PROPERTY_FORMAT_CHANGED = "request-property-format-changed", Warning, "Request property format changed",
        "`age` in the body of `POST /pets` changes format from `int32` to `int64`.";
    REQUEST_PROPERTY_ENUM_VALUE_REMOVED = "request-property-enum-value-removed", Breaking, "Request value no longer allowed",
        "`status` in the body of `POST /pets` no longer allows `sold`.";
    REQUEST_PROPERTY_ENUM_VALUE_ADDED = "request-property-enum-value-added", Info, "Request value added",
        "`status` in the body of `POST /pets` also allows `reserved`.";
    REQUEST_PROPERTY_DEFAULT_CHANGED = "request-property-default-changed", Warning, "Request property default changed",
        "The default of `status` in the body of `POST /pets` changes from `available` to `pending`.";
    REQUEST_PROPERTY_PATTERN_CHANGED = "request-property-pattern-changed", Warning, "Request property pattern changed",
        "`name` in the body of `POST /pets` gets a stricter `pattern`.";
    REQUEST_PROPERTY_LIMIT_TIGHTENED = "request-property-limit-tightened", Breaking, "Request property limit tightened",
        "`name` in the body of `POST /pets` changes `maxLength` from 100 to 50.";
    REQUEST_PROPERTY_ADDITIONAL_CLOSED = "request-property-additional-properties-closed", Breaking, "Request object closed to other properties",
        "The body of `POST /pets` gets `additionalProperties: false`.";
    REQUEST_PROPERTY_ALTERNATIVE_REMOVED = "request-property-alternative-removed", Breaking, "Request alternative removed",
        "`payment_method` in the body of `POST /charges` was `oneOf` card or bank account; the bank account branch is gone.";
    REQUEST_PROPERTY_ALTERNATIVE_ADDED = "request-property-alternative-added", Info, "Request alternative added",
        "`payment_method` in the body of `POST /charges` may also be a wallet (`oneOf` gains a branch).";

    RESPONSE_SUCCESS_STATUS_REMOVED = "response-success-status-removed", Breaking, "Success response removed",
        "`GET /pets` no longer declares a `200` response.";
    RESPONSE_ERROR_STATUS_REMOVED = "response-error-status-removed", Warning, "Error response removed",
        "`GET /pets` no longer declares a `404` response.";
    RESPONSE_STATUS_ADDED = "response-status-added", Info, "Response added",
        "`GET /pets` declares a new `429` response.";
    RESPONSE_MEDIA_TYPE_REMOVED = "response-media-type-removed", Breaking, "Response content type removed",
        "The `200` response of `GET /pets` no longer comes as `application/xml`.";
    RESPONSE_MEDIA_TYPE_ADDED = "response-media-type-added", Info, "Response content type added",
        "The `200` response of `GET /pets` may also come as `text/csv`.";
    RESPONSE_PROPERTY_ADDED = "response-property-added", Info, "Response property added",
        "The `200` response of `GET /pets/{id}` carries a new `birthday`.";
    RESPONSE_PROPERTY_REMOVED = "response-property-removed", Breaking, "Response property removed",
        "The `200` response of `GET /pets/{id}` no longer carries `tag`.";
    RESPONSE_PROPERTY_TYPE_CHANGED = "response-property-type-changed", Breaking, "Response property type changed",
        "`id` in the `200` response of `GET /pets/{id}` changes from `integer` to `string`.";
    RESPONSE_PROPERTY_FORMAT_CHANGED = "response-property-format-changed", Warning, "Response property format changed",
        "`id` in the `200` response of `GET /pets/{id}` changes format from `int32` to `int64`.";
    RESPONSE_PROPERTY_BECAME_OPTIONAL = "response-property-became-optional", Breaking, "Response property made optional",
        "`name` in the `200` response of `GET /pets/{id}` is no longer required.";
    RESPONSE_PROPERTY_BECAME_NULLABLE = "response-property-became-nullable", Breaking, "Response property made nullable",
        "`tag` in the `200` response of `GET /pets/{id}` may now be `null`.";
    RESPONSE_PROPERTY_ENUM_VALUE_ADDED = "response-property-enum-value-added", Breaking, "Response value added",
        "`status` in the `200` response of `GET /pets/{id}` may now be `quarantined`.";
    RESPONSE_PROPERTY_ENUM_VALUE_REMOVED = "response-property-enum-value-removed", Info, "Response value no longer sent",
        "`status` in the `200` response of `GET /pets/{id}` is never `sold` any more.";
    RESPONSE_PROPERTY_ALTERNATIVE_ADDED = "response-property-alternative-added", Breaking, "Response alternative added",
        "`source` in the `200` response of `GET /charges/{id}` may now be a wallet (`anyOf` gains a branch).";
    RESPONSE_PROPERTY_ALTERNATIVE_REMOVED = "response-property-alternative-removed", Info, "Response alternative no longer sent",
        "`source` in the `200` response of `GET /charges/{id}` is never a bank account any more.";

    SECURITY_ADDED = "endpoint-security-added", Breaking, "Authentication required",
        "`GET /pets`, open before, now requires the `api_key` scheme.";
    SECURITY_SCOPES_ADDED = "endpoint-security-scopes-added", Breaking, "Authorization scopes added",
        "`POST /pets` now requires the OAuth scope `write:pets` besides `read:pets`.";
    SECURITY_ALTERNATIVE_REMOVED = "endpoint-security-alternative-removed", Breaking, "Authentication alternative removed",
        "`GET /pets` accepted `api_key` or `bearer`; now only `api_key`.";
    SECURITY_ALTERNATIVE_ADDED = "endpoint-security-alternative-added", Info, "Authentication alternative added",
        "`GET /pets` also accepts `bearer` besides `api_key`.";
    SECURITY_RELAXED = "endpoint-security-relaxed", Info, "Authentication relaxed",
        "`GET /pets` no longer requires any credentials.";

    SERVER_REMOVED = "server-removed", Warning, "Base URL removed",
        "`https://api.example.com/v1` is no longer listed among the servers.";
    SERVER_ADDED = "server-added", Info, "Base URL added",
        "`https://eu.api.example.com/v1` is listed among the servers.";

    COMPONENT_ADDED = "component-added", Info, "Schema added",
        "`#/components/schemas/Owner` appears.";
    COMPONENT_REMOVED = "component-removed", Info, "Schema removed",
        "`#/components/schemas/LegacyPet` is gone (endpoints that used it show their own changes).";
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.id), "{} twice", rule.id);
            assert!(
                rule.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                rule.id
            );
        }
    }

    #[test]
    fn levels_order_by_severity() {
        assert!(Level::Breaking > Level::Warning && Level::Warning > Level::Info);
        assert_eq!(Level::parse(" Breaking"), Some(Level::Breaking));
        assert_eq!(Level::parse("fatal"), None);
    }
}
