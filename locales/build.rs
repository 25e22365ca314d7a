//! Reads the UI text in `locales/<code>.json` (this folder) (one file per language, `ko` the default) and
//! generates, in `OUT_DIR`:
//! - `i18n/mod.rs`: leptos_i18n's typed keys, so a misspelt key or interpolation fails the build;
//! - `lang.rs`: the `Lang` enum, one variant per file, so a new language is a new file.
//!
//! A key missing from any language fails the build here too (leptos_i18n only warns).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

const DEFAULT: &str = "ko";

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let dir = manifest.clone();
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed={}", dir.display());

    let mut codes: Vec<String> = std::fs::read_dir(&dir)
        .expect("the locales folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .collect();
    codes.sort();
    assert!(
        codes.iter().any(|c| c == DEFAULT),
        "locales/{DEFAULT}.json (the default language) is missing"
    );
    codes.retain(|c| c != DEFAULT);
    codes.insert(0, DEFAULT.to_string());

    check_same_keys(&dir, &codes);

    let cfg = Config::new(DEFAULT)
        .and_then(|c| c.add_locales(&codes[1..]))
        .expect("locale names")
        .locales_path(".")
        .parse_options(ParseOptions::new().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg).unwrap_or_else(|e| panic!("locales: {e}"));
    infos.rerun_if_locales_changed();
    infos.emit_diagnostics();
    infos
        .generate_i18n_module(out.join("i18n"))
        .unwrap_or_else(|e| panic!("locales: {e}"));

    std::fs::write(out.join("lang.rs"), lang_enum(&codes)).expect("write lang.rs");
}

/// Every file has exactly the keys of the default one.
fn check_same_keys(dir: &Path, codes: &[String]) {
    let keys_of = |code: &str| {
        let path = dir.join(format!("{code}.json"));
        let text = std::fs::read_to_string(&path).expect("read a locale file");
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut keys = BTreeSet::new();
        flatten("", &value, &mut keys);
        keys
    };
    let reference = keys_of(&codes[0]);
    let mut problems = Vec::new();
    for code in &codes[1..] {
        let keys = keys_of(code);
        for k in reference.difference(&keys) {
            problems.push(format!("locales/{code}.json lacks \"{k}\""));
        }
        for k in keys.difference(&reference) {
            problems.push(format!(
                "locales/{code}.json has \"{k}\", which locales/{}.json lacks",
                codes[0]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn flatten(prefix: &str, value: &serde_json::Value, keys: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, keys);
            }
        }
        _ => {
            keys.insert(prefix.to_string());
        }
    }
}

/// `ko` → `Ko`, `zh-hant` → `ZhHant`.
fn variant(code: &str) -> String {
    code.split(['-', '_'])
        .map(|part| {
            let mut c = part.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn lang_enum(codes: &[String]) -> String {
    let variants: Vec<String> = codes.iter().map(|c| variant(c)).collect();
    let mut s = String::new();
    s.push_str("/// A UI language: one per file in `locales/`, the first (Korean) the default.\n");
    s.push_str(
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]\n",
    );
    s.push_str("pub enum Lang {\n");
    for (i, v) in variants.iter().enumerate() {
        if i == 0 {
            s.push_str("    #[default]\n");
        }
        s.push_str(&format!("    {v},\n"));
    }
    s.push_str("}\n\nimpl Lang {\n    /// Every language, the default first.\n");
    s.push_str("    pub const ALL: &'static [Lang] = &[");
    s.push_str(
        &variants
            .iter()
            .map(|v| format!("Lang::{v}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    s.push_str(
        "];\n\n    /// The code: the locale file's name, the `lang` cookie and `<html lang>`.\n",
    );
    s.push_str("    pub fn code(self) -> &'static str {\n        match self {\n");
    for (c, v) in codes.iter().zip(&variants) {
        s.push_str(&format!("            Lang::{v} => \"{c}\",\n"));
    }
    s.push_str(
        "        }\n    }\n\n    /// The generated leptos_i18n locale, for the `t!` macro.\n",
    );
    s.push_str("    pub fn locale(self) -> crate::generated::Locale {\n        match self {\n");
    for (c, v) in codes.iter().zip(&variants) {
        s.push_str(&format!(
            "            Lang::{v} => crate::generated::Locale::{},\n",
            c.replace('-', "_")
        ));
    }
    s.push_str("        }\n    }\n}\n");
    s
}
