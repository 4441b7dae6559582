//! Provider slugs: the short names APIs go by in the catalog.
//!
//! Precedence (the caller's `--provider` comes before all of these):
//! APIs.guru `x-providerName` (+ `x-serviceName`), then the API host's name
//! (`console.jumpcloud.com` → `jumpcloud`), then the slugified title.

use crate::model::Api;

/// Derives a provider slug from what the document says about itself.
pub fn provider_slug(api: &Api) -> String {
    if let Some(provider) = api
        .info
        .provider_name
        .as_deref()
        .map(slugify)
        .filter(|s| !s.is_empty())
    {
        return match api
            .info
            .service_name
            .as_deref()
            .map(slugify)
            .filter(|s| !s.is_empty())
        {
            Some(service) => format!("{provider}-{service}"),
            None => provider,
        };
    }
    if let Some(name) = api.servers.iter().find_map(|s| host_name(&s.url)) {
        return name;
    }
    let from_title = slugify(&api.info.title);
    if from_title.is_empty() {
        "api".to_owned()
    } else {
        from_title
    }
}

/// Lower-case letters, digits, `.` and `-`; runs of anything else become one `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches(['-', '.']).to_owned()
}

/// Whether `slug` is acceptable as given by a user.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && slug.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-' || c == '_'
        })
}

/// The registrable name of a URL's host, without its public suffix:
/// `https://api.github.com/v3` → `github`. `None` for relative URLs, IP
/// addresses, `localhost`, templated hosts and documentation domains.
fn host_name(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    if host.contains(['{', '}']) || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    if labels.len() < 2 {
        return None;
    }
    // Two-part public suffixes such as `co.uk` or `com.au`.
    let second_level = ["co", "com", "net", "org", "gov", "ac", "edu"];
    let suffix_len = if labels.len() >= 3
        && second_level.contains(&labels[labels.len() - 2])
        && labels[labels.len() - 1].len() == 2
    {
        2
    } else {
        1
    };
    let name = labels[labels.len() - 1 - suffix_len];
    if ["example", "localhost", "test", "invalid"].contains(&name) {
        return None;
    }
    let slug = slugify(name);
    (!slug.is_empty()).then_some(slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host_name("https://console.jumpcloud.com/api/v2").as_deref(),
            Some("jumpcloud")
        );
        assert_eq!(
            host_name("https://api.github.com").as_deref(),
            Some("github")
        );
        assert_eq!(
            host_name("https://api.stripe.com/").as_deref(),
            Some("stripe")
        );
        assert_eq!(
            host_name("http://api.acme.co.uk:8080/x").as_deref(),
            Some("acme")
        );
        assert_eq!(host_name("https://api.bbc.co.uk").as_deref(), Some("bbc"));
        assert_eq!(host_name("/v1"), None);
        assert_eq!(host_name("http://localhost:8080"), None);
        assert_eq!(host_name("http://127.0.0.1/"), None);
        assert_eq!(host_name("https://{region}.api.x.com"), None);
        assert_eq!(host_name("https://example.com/api"), None);
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Swagger Petstore — v2!"), "swagger-petstore-v2");
        assert_eq!(slugify("amazonaws.com"), "amazonaws.com");
        assert!(is_valid_slug("amazonaws.com-s3"));
        assert!(!is_valid_slug("Bad Slug"));
    }
}
