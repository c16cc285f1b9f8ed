//! Which methods each address accepts, for the `Allow` header that a 405 answer must carry
//! (RFC 9110), and which route template an address fits, so that a refusal can name the path
//! parameter at fault (`app::nul`). The API's routes come from its own OpenAPI document, so the
//! list cannot drift.

use std::sync::LazyLock;

/// Route templates (`{name}` matches one path segment) and their methods.
static ROUTES: LazyLock<Vec<(Vec<String>, Vec<String>)>> = LazyLock::new(|| {
    let mut routes: Vec<(String, Vec<String>)> = vec![
        ("/".into(), vec!["GET".into()]),
        ("/health".into(), vec!["GET".into()]),
        ("/ready".into(), vec!["GET".into()]),
        ("/openapi.json".into(), vec!["GET".into()]),
        ("/static/site.css".into(), vec!["GET".into()]),
        ("/respond/{secret}".into(), vec!["GET".into()]),
        (
            "/respond/{secret}/sections/{section}".into(),
            vec!["GET".into(), "POST".into()],
        ),
        ("/respond/{secret}/review".into(), vec!["GET".into()]),
        ("/respond/{secret}/submit".into(), vec!["POST".into()]),
        ("/respond/{secret}/submitted".into(), vec!["GET".into()]),
        ("/respond/{secret}/delegates".into(), vec!["POST".into()]),
        (
            "/respond/{secret}/delegates/{id}/revoke".into(),
            vec!["POST".into()],
        ),
        (
            "/respond/{secret}/delegates/{id}/sections/{section}/take-back".into(),
            vec!["POST".into()],
        ),
        (
            "/respond/{secret}/sections/{section}/ready".into(),
            vec!["POST".into()],
        ),
        ("/share/{secret}".into(), vec!["GET".into()]),
        ("/share/{secret}/report.pdf".into(), vec!["GET".into()]),
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

/// The route `path` is an address of: its template's segments (`{name}` for a parameter) and
/// its methods.
fn route_of(path: &str) -> Option<&'static (Vec<String>, Vec<String>)> {
    let segments: Vec<&str> = path.split('/').collect();
    ROUTES.iter().find(|(template, _)| {
        template.len() == segments.len()
            && template
                .iter()
                .zip(&segments)
                .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty()))
    })
}

/// The methods `path` accepts, as an `Allow` header value, if it is a known address.
pub fn allowed_methods(path: &str) -> Option<String> {
    route_of(path).map(|(_, methods)| methods.join(", "))
}

/// Whether `method` on `path` reaches a handler (what the router would not answer with 404 or 405).
pub fn accepts(path: &str, method: &str) -> bool {
    route_of(path).is_some_and(|(_, methods)| methods.iter().any(|m| m == method))
}

/// The name of the path parameter that segment `index` of `path` (split on `/`) holds, if
/// `path` is a known address and that segment is a parameter.
pub fn parameter_at(path: &str, index: usize) -> Option<&'static str> {
    let (template, _) = route_of(path)?;
    template.get(index)?.strip_prefix('{')?.strip_suffix('}')
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
        assert!(super::accepts("/api/v1/organisations/import", "POST"));
        assert!(!super::accepts("/api/v1/organisations/import", "TRACE"));
        assert!(!super::accepts("/nowhere", "GET"));
    }

    #[test]
    fn a_segment_is_named_by_its_route_template() {
        use super::parameter_at;
        assert_eq!(parameter_at("/api/v1/rounds/r1/open", 4), Some("code"));
        assert_eq!(parameter_at("/api/v1/rounds/r1/open", 5), None);
        assert_eq!(
            parameter_at("/respond/abc/delegates/1/sections/culture/take-back", 6),
            Some("section")
        );
        assert_eq!(parameter_at("/nowhere/x", 2), None);
    }
}
