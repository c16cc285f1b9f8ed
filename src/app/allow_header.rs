//! Which methods each address accepts, for the `Allow` header that a 405 answer must carry
//! (RFC 9110). The API's routes come from its own OpenAPI document, so the list cannot drift.

use std::sync::LazyLock;

/// Route templates (`{name}` matches one path segment) and their methods.
static ROUTES: LazyLock<Vec<(Vec<String>, Vec<String>)>> = LazyLock::new(|| {
    let mut routes: Vec<(String, Vec<String>)> = vec![
        ("/".into(), vec!["GET".into()]),
        ("/health".into(), vec!["GET".into()]),
        ("/ready".into(), vec!["GET".into()]),
        ("/openapi.json".into(), vec!["GET".into()]),
        ("/static/site.css".into(), vec!["GET".into()]),
        ("/respond/{s}".into(), vec!["GET".into()]),
        (
            "/respond/{s}/sections/{k}".into(),
            vec!["GET".into(), "POST".into()],
        ),
        ("/respond/{s}/review".into(), vec!["GET".into()]),
        ("/respond/{s}/submit".into(), vec!["POST".into()]),
        ("/respond/{s}/submitted".into(), vec!["GET".into()]),
        ("/share/{s}".into(), vec!["GET".into()]),
        ("/share/{s}/report.pdf".into(), vec!["GET".into()]),
    ];
    // The operator console's routes, from its own table; one entry per path, its methods merged.
    for r in crate::web::admin::ROUTES {
        match routes.iter_mut().find(|(path, _)| path == r.path) {
            Some((_, methods)) => methods.push(r.method.into()),
            None => routes.push((r.path.into(), vec![r.method.into()])),
        }
    }
    let spec: serde_json::Value =
        serde_json::from_str(&crate::api::openapi_document()).unwrap_or_default();
    if let Some(paths) = spec["paths"].as_object() {
        for (path, operations) in paths {
            let methods = operations
                .as_object()
                .map(|ops| ops.keys().map(|m| m.to_ascii_uppercase()).collect())
                .unwrap_or_default();
            routes.push((format!("{}{path}", crate::api::API_PREFIX), methods));
        }
    }
    routes
        .into_iter()
        .map(|(template, mut methods)| {
            if methods.iter().any(|m| m == "GET") {
                methods.push("HEAD".into());
            }
            (template.split('/').map(str::to_owned).collect(), methods)
        })
        .collect()
});

/// The methods `path` accepts, as an `Allow` header value, if it is a known address.
pub fn allowed_methods(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    ROUTES.iter().find_map(|(template, methods)| {
        let matches = template.len() == segments.len()
            && template
                .iter()
                .zip(&segments)
                .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty()));
        matches.then(|| methods.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::allowed_methods;

    #[test]
    fn known_addresses_list_their_methods() {
        assert_eq!(allowed_methods("/health").as_deref(), Some("GET, HEAD"));
        assert_eq!(
            allowed_methods("/respond/abc/sections/strategy").as_deref(),
            Some("GET, POST, HEAD")
        );
        let orgs = allowed_methods("/api/v1/organisations").unwrap();
        assert!(orgs.contains("GET") && orgs.contains("POST"), "{orgs}");
        assert!(
            allowed_methods("/api/v1/rounds/r1/open")
                .unwrap()
                .contains("POST")
        );
        assert_eq!(
            allowed_methods("/admin/sign-in").as_deref(),
            Some("GET, POST, HEAD")
        );
        assert_eq!(
            allowed_methods("/admin/rounds/r1/status/close").as_deref(),
            Some("POST")
        );
        assert_eq!(allowed_methods("/nowhere"), None);
    }
}
