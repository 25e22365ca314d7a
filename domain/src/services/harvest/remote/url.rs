//! URL resolution (RFC 3986 §5.2, enough for paging links).

/// Resolves `rel` against `base`: absolute URLs, "//host/x", "/path?x", "?page=2",
/// "#frag" and relative paths ("next.jsonld", "../x").
pub fn resolve_url(base: &str, rel: &str) -> String {
    let rel = rel.trim();
    if has_scheme(rel) {
        return rel.to_string();
    }
    let base_no_frag = base.split('#').next().unwrap_or(base);
    let (scheme, after_scheme) = match base_no_frag.find("://") {
        Some(i) => (&base_no_frag[..i], &base_no_frag[i + 3..]),
        None => return rel.to_string(),
    };
    let auth_end = after_scheme.find(['/', '?']).unwrap_or(after_scheme.len());
    let authority = &after_scheme[..auth_end];
    let rest = &after_scheme[auth_end..];
    let base_path = rest.split('?').next().unwrap_or("");
    let origin = format!("{scheme}://{authority}");
    if rel.is_empty() {
        return base_no_frag.to_string();
    }
    if let Some(r) = rel.strip_prefix("//") {
        return format!("{scheme}://{r}");
    }
    if rel.starts_with('#') {
        return format!("{base_no_frag}{rel}");
    }
    if rel.starts_with('?') {
        let path = if base_path.is_empty() { "/" } else { base_path };
        return format!("{origin}{path}{rel}");
    }
    let (rel_path, rel_tail) = match rel.find(['?', '#']) {
        Some(i) => (&rel[..i], &rel[i..]),
        None => (rel, ""),
    };
    let merged = if rel_path.starts_with('/') {
        rel_path.to_string()
    } else {
        let dir = match base_path.rfind('/') {
            Some(i) => &base_path[..=i],
            None => "/",
        };
        format!("{dir}{rel_path}")
    };
    format!("{origin}{}{rel_tail}", remove_dot_segments(&merged))
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => {
            let scheme = &s[..i];
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = path.split('/').collect();
    let last = segs.len().saturating_sub(1);
    for (i, seg) in segs.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_resolution() {
        let b = "https://h.example/catalog.jsonld?page=1";
        assert_eq!(
            resolve_url(b, "?page=2"),
            "https://h.example/catalog.jsonld?page=2"
        );
        assert_eq!(
            resolve_url(b, "/dcat/catalog?page=2"),
            "https://h.example/dcat/catalog?page=2"
        );
        assert_eq!(resolve_url(b, "https://other/x?p=2"), "https://other/x?p=2");
        assert_eq!(resolve_url(b, "//cdn.example/p2"), "https://cdn.example/p2");
        assert_eq!(
            resolve_url("https://h/a/b/c.jsonld", "d.jsonld?page=2"),
            "https://h/a/b/d.jsonld?page=2"
        );
        assert_eq!(resolve_url("https://h/a/b/c", "../x"), "https://h/a/x");
        assert_eq!(resolve_url("https://h", "?page=2"), "https://h/?page=2");
        assert_eq!(
            resolve_url("https://h:8443/x#frag", "#top"),
            "https://h:8443/x#top"
        );
    }
}
