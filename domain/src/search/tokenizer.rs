//! Tokenizers for Korean and English without a dictionary.
//!
//! `koen`: runs of Hangul (and other CJK) become overlapping character bigrams, like
//! Elasticsearch's `cjk_bigram` (a one-syllable run stays a unigram), and overlapping trigrams;
//! runs of letters and digits become lowercased words. So 공원 matches 공원녹지현황, and Wi-Fi
//! matches "wi fi". A query word is matched by [`query_terms`]: its two-syllable runs as the
//! bigram, longer runs as all their trigrams, which is as precise as a phrase of bigrams for
//! three syllables and nearly so beyond, without the cost of positions.
//!
//! `prefix`: every word's prefixes (up to 15 characters), lowercased, for type-ahead.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Cjk,
    Word,
    Sep,
}

fn class(c: char) -> Class {
    let u = c as u32;
    let cjk = (0xAC00..=0xD7A3).contains(&u) // Hangul syllables
        || (0x1100..=0x11FF).contains(&u)    // Hangul jamo
        || (0x3130..=0x318F).contains(&u)    // Hangul compatibility jamo
        || (0x4E00..=0x9FFF).contains(&u)    // CJK ideographs (Hanja)
        || (0x3040..=0x30FF).contains(&u); // kana
    if cjk {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Sep
    }
}

/// Split `text` into (class, byte start, byte end) runs of the same class.
fn runs(text: &str) -> Vec<(Class, usize, usize)> {
    let mut out: Vec<(Class, usize, usize)> = Vec::new();
    for (i, c) in text.char_indices() {
        let k = class(c);
        let end = i + c.len_utf8();
        match out.last_mut() {
            Some((last, _, e)) if *last == k => *e = end,
            _ => out.push((k, i, end)),
        }
    }
    out.retain(|(k, _, _)| *k != Class::Sep);
    out
}

/// The `koen` tokens of a text (used for indexing and for parsing queries alike).
pub fn koen_tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut position = 0;
    let mut push = |from: usize, to: usize, text: String| {
        tokens.push(Token {
            offset_from: from,
            offset_to: to,
            position,
            text,
            position_length: 1,
        });
        position += 1;
    };
    for (k, start, end) in runs(text) {
        let run = &text[start..end];
        match k {
            Class::Cjk => {
                let chars: Vec<(usize, char)> = run.char_indices().collect();
                if chars.len() == 1 {
                    push(start, end, run.to_string());
                } else {
                    for n in [2, 3] {
                        for w in chars.windows(n) {
                            let from = start + w[0].0;
                            let last = w[n - 1];
                            let to = start + last.0 + last.1.len_utf8();
                            push(from, to, text[from..to].to_string());
                        }
                    }
                }
            }
            Class::Word => push(start, end, run.to_lowercase()),
            Class::Sep => {}
        }
    }
    tokens
}

/// One term a query word must match.
#[derive(Debug, PartialEq, Eq)]
pub enum QueryTerm {
    /// An indexed token: a Latin word, a Hangul bigram or trigram.
    Exact(String),
    /// A lone Hangul syllable: any bigram starting or ending with it (or the syllable alone).
    Syllable(String),
}

/// The terms that all must match for a query word (say 공공와이파이 or CCTV설치).
pub fn query_terms(word: &str) -> Vec<QueryTerm> {
    let mut out = Vec::new();
    for (k, start, end) in runs(word) {
        let run = &word[start..end];
        match k {
            Class::Cjk => {
                let chars: Vec<char> = run.chars().collect();
                match chars.len() {
                    1 => out.push(QueryTerm::Syllable(run.to_string())),
                    2 => out.push(QueryTerm::Exact(run.to_string())),
                    _ => out.extend(
                        chars
                            .windows(3)
                            .map(|w| QueryTerm::Exact(w.iter().collect())),
                    ),
                }
            }
            Class::Word => out.push(QueryTerm::Exact(run.to_lowercase())),
            Class::Sep => {}
        }
    }
    out
}

/// Words (Hangul and Latin runs alike, lowercased) for type-ahead.
pub fn words(text: &str) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if class(c) == Class::Sep {
            if let Some((s, e)) = current.take() {
                out.push((s, e, text[s..e].to_lowercase()));
            }
        } else {
            current = Some(match current {
                Some((s, _)) => (s, end),
                None => (i, end),
            });
        }
    }
    if let Some((s, e)) = current {
        out.push((s, e, text[s..e].to_lowercase()));
    }
    out
}

pub const MAX_PREFIX_CHARS: usize = 15;

pub fn prefix_tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for (position, (from, to, word)) in words(text).into_iter().enumerate() {
        let chars: Vec<char> = word.chars().collect();
        // Korean compounds (공공와이파이) are typed from any syllable: index the prefixes of
        // every suffix. Latin words only from their start.
        let starts = if chars.iter().any(|c| class(*c) == Class::Cjk) {
            chars.len()
        } else {
            1
        };
        for start in 0..starts {
            let mut prefix = String::new();
            for c in chars[start..].iter().take(MAX_PREFIX_CHARS) {
                prefix.push(*c);
                tokens.push(Token {
                    offset_from: from,
                    offset_to: to,
                    position,
                    text: prefix.clone(),
                    position_length: 1,
                });
            }
        }
    }
    tokens
}

pub struct VecTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

/// A tokenizer from a function producing all tokens of a text (`koen_tokens`, `prefix_tokens`).
#[derive(Clone, Copy)]
pub struct FnTokenizer(pub fn(&str) -> Vec<Token>);

impl Tokenizer for FnTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: (self.0)(text),
            index: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        koen_tokens(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn hangul_bigrams_and_latin_words() {
        assert_eq!(
            texts("공원녹지"),
            ["공원", "원녹", "녹지", "공원녹", "원녹지"]
        );
        assert_eq!(
            texts("성동구_공원 Wi-Fi 2024"),
            ["성동", "동구", "성동구", "공원", "wi", "fi", "2024"]
        );
        assert_eq!(texts("및"), ["및"]);
        let t = koen_tokens("a 공원");
        assert_eq!(&"a 공원"[t[1].offset_from..t[1].offset_to], "공원");
    }

    #[test]
    fn query_words_become_bigrams_trigrams_and_syllables() {
        use QueryTerm::*;
        assert_eq!(query_terms("공원"), [Exact("공원".into())]);
        assert_eq!(
            query_terms("와이파이"),
            [Exact("와이파".into()), Exact("이파이".into())]
        );
        assert_eq!(
            query_terms("CCTV설치"),
            [Exact("cctv".into()), Exact("설치".into())]
        );
        assert_eq!(query_terms("동"), [Syllable("동".into())]);
        assert!(query_terms("%%").is_empty());
        // Every query term of a word is indexed for a text containing the word.
        let indexed = texts("서울특별시 성동구_공공와이파이 설치현황");
        for w in ["공공와이파이", "설치현황", "성동구", "특별시"] {
            for t in query_terms(w) {
                let Exact(t) = t else { unreachable!() };
                assert!(indexed.contains(&t), "{t}");
            }
        }
    }

    #[test]
    fn prefixes_for_type_ahead() {
        let p: Vec<String> = prefix_tokens("Public 와이파이")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert!(p.contains(&"pu".to_string()) && p.contains(&"public".to_string()));
        assert!(p.contains(&"와".to_string()) && p.contains(&"와이파".to_string()));
        let p: Vec<String> = prefix_tokens("공공와이파이")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert!(p.contains(&"와이".to_string()) && p.contains(&"공공와".to_string()));
    }
}
