//! Dongne's UI text and languages. The text lives in this crate's `<code>.json` files, one per
//! language (`ko.json` the default); [`t!`] looks a key up for a [`Lang`], checked at compile
//! time by leptos_i18n. `Lang` itself is generated from the files (see `build.rs`), so a new
//! language is a new file.
//!
//! Korean first: the server decides the language from the `lang` cookie; the client reads the
//! `<html lang>` the server rendered, so hydration always agrees with the HTML.

use serde::{Deserialize, Serialize};

#[doc(hidden)]
pub use leptos_i18n as __leptos_i18n;

/// leptos_i18n's generated keys (`Locale`, `I18nKeys`), built from the `*.json` files.
#[allow(missing_docs, clippy::all)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
    pub use i18n::*;
}

include!(concat!(env!("OUT_DIR"), "/lang.rs"));

/// The UI text of a key in a language: `t!(lang, layout.datasets)`, and with values
/// `t!(lang, time.minutes_ago, n = 5)` (a `Display`; the plain form is a `&'static str`).
/// A key or value name that no locale file has fails the build.
#[macro_export]
macro_rules! t {
    ($lang:expr, $($key:tt)+) => {{
        #[allow(unused_imports)]
        use $crate::__leptos_i18n as leptos_i18n;
        leptos_i18n::td_string!($crate::Lang::locale($lang), $($key)+)
    }};
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim();
        Lang::ALL.iter().copied().find(|l| l.code() == s)
    }

    /// The language the switch link offers: the next one (with two, the other).
    pub fn other(self) -> Lang {
        let i = Lang::ALL.iter().position(|l| *l == self).unwrap_or(0);
        Lang::ALL[(i + 1) % Lang::ALL.len()]
    }

    /// Pick between a value stored in Korean and in English (database fields such as
    /// `title_ko`/`title_en`): Korean for Korean, English for every other language.
    /// Not for UI text, which lives in the locale files.
    pub fn pick<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        if self == Lang::Ko {
            ko
        } else {
            en
        }
    }

    /// The language chosen by a `Cookie:` header value (`lang=en`), Korean when absent.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::parse(v))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_picks_language() {
        assert_eq!(Lang::from_cookie_header("a=b; lang=en"), Lang::En);
        assert_eq!(Lang::from_cookie_header("lang=ko"), Lang::Ko);
        assert_eq!(Lang::from_cookie_header("lang=fr"), Lang::Ko);
        assert_eq!(Lang::from_cookie_header(""), Lang::Ko);
    }

    #[test]
    fn codes_and_switch() {
        assert_eq!(Lang::default(), Lang::Ko);
        assert_eq!(Lang::parse(" en "), Some(Lang::En));
        assert_eq!(Lang::Ko.other(), Lang::En);
        assert_eq!(Lang::En.other(), Lang::Ko);
    }
}

#[cfg(test)]
mod text_tests {
    use super::Lang;

    /// Spaces at either end survive (some keys are joined into sentences), and values go in.
    #[test]
    fn text_keeps_spaces_and_takes_values() {
        assert_eq!(crate::t!(Lang::En, crowd_rule.or), " or ");
        assert_eq!(crate::t!(Lang::Ko, crowd_rule.or), " 또는 ");
        assert_eq!(
            crate::t!(Lang::Ko, edit.proposal_sent, id = 7).to_string(),
            "제안 #7을 보냈습니다. 담당 부서의 데이터 관리책임자가 검토합니다. "
        );
        assert_eq!(
            crate::t!(Lang::En, history.proposed_by, p = "Kim").to_string(),
            " (proposed by Kim)"
        );
        assert_eq!(crate::t!(Lang::En, layout.language_name), "English");
    }
}
