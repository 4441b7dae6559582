//! Slugs: the short names providers and APIs go by in the catalog, and what
//! a server URL's host says about who serves it. Which API a document
//! belongs to is decided in [`crate::identity`].

use crate::model::Api;

/// The provider slug specdex derived before APIs had their own identity:
/// APIs.guru `x-providerName` (+ `-x-serviceName`), then the host's name,
/// then the title. Kept so that a catalog written then can tell a derived
/// slug from one the user chose when it is split into APIs.
pub fn legacy_provider_slug(api: &Api) -> String {
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
    if let Some(host) = api
        .servers
        .iter()
        .find_map(|s| host_labels(&s.url))
        .filter(|h| h.registrable != "example")
    {
        return host.registrable;
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

/// What a server URL's host says: `https://messaging.twilio.com/v1` →
/// registrable name `twilio`, subdomains `["messaging"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostLabels {
    /// The registrable name without its public suffix, slugified.
    pub registrable: String,
    /// The labels before it, outermost first, lower-case.
    pub subdomains: Vec<String>,
}

/// The labels of a URL's host. `None` for relative URLs, IP addresses,
/// `localhost`, templated hosts, and hosts named `test` or `invalid`.
pub fn host_labels(url: &str) -> Option<HostLabels> {
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
    let at = labels.len() - 1 - suffix_len;
    let name = labels[at];
    if ["localhost", "test", "invalid"].contains(&name) {
        return None;
    }
    let registrable = slugify(name);
    (!registrable.is_empty()).then(|| HostLabels {
        registrable,
        subdomains: labels[..at].iter().map(|l| (*l).to_owned()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_name(url: &str) -> Option<String> {
        host_labels(url).map(|h| h.registrable)
    }

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
        assert_eq!(
            host_name("https://api.example.com/api").as_deref(),
            Some("example")
        );
        assert_eq!(host_name("https://api.shop.test").as_deref(), Some("shop"));
        assert_eq!(
            host_labels("https://messaging.eu.twilio.com").map(|h| h.subdomains),
            Some(vec!["messaging".to_owned(), "eu".to_owned()])
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Swagger Petstore — v2!"), "swagger-petstore-v2");
        assert_eq!(slugify("amazonaws.com"), "amazonaws.com");
        assert!(is_valid_slug("amazonaws.com-s3"));
        assert!(!is_valid_slug("Bad Slug"));
    }
}
