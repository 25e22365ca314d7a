//! Dataset descriptions are Markdown written by staff. Rendered to HTML that is safe to insert:
//! raw HTML shows as text, links go only to http(s), mailto or this site, and images become
//! links (a page never loads a third-party image on a reader's behalf).

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let allowed = lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (u.starts_with('/') && !u.starts_with("//"))
        || u.starts_with('#');
    if allowed {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// Text inside an element whose contents the server writes unescaped (`<title>`, written by
/// leptos_meta, and `<textarea>`): escaped there, so a value like `</textarea><script>` stays
/// text; in the browser it goes into the DOM as plain text.
pub fn raw_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    return escape_html(&text);
    #[cfg(not(feature = "ssr"))]
    text
}

/// Text made safe to put in HTML (text or a quoted attribute).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn formats_markdown() {
        let h =
            to_safe_html("## 항목\n\n**굵게**, [출처](https://data.go.kr) 참고\n\n- 하나\n- 둘");
        assert!(h.contains("<h2>항목</h2>"), "{h}");
        assert!(h.contains("<strong>굵게</strong>"));
        assert!(h.contains(r#"<a href="https://data.go.kr">출처</a>"#));
        assert!(h.contains("<li>하나</li>"));
    }

    #[test]
    fn neutralises_html_scripts_and_unsafe_links() {
        let h = to_safe_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](data:text/html,hi) ![i](https://cdn.example/i.png)",
        );
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<img"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
        assert!(!h.to_lowercase().contains("javascript:"), "{h}");
        assert!(!h.contains("data:text"), "{h}");
        assert!(
            h.contains(r#"<a href="https://cdn.example/i.png">i</a>"#),
            "{h}"
        );
    }
}
