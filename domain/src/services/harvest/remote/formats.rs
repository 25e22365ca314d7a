//! Formats, kinds and update cycles: short format names, file/API/link classification and the
//! update-cycle vocabulary.

/// Formats that denote a downloadable file.
const FILE_FORMATS: &[&str] = &[
    "CSV", "TSV", "JSON", "GEOJSON", "JSONLD", "JSON-LD", "XML", "XLS", "XLSX", "ODS", "PDF",
    "ZIP", "GZ", "7Z", "TAR", "TXT", "SHP", "KML", "KMZ", "GML", "GPKG", "HWP", "HWPX", "DOC",
    "DOCX", "ODT", "PPT", "PPTX", "RDF", "TTL", "NT", "PARQUET", "PNG", "JPG", "JPEG", "GIF",
    "TIF", "TIFF", "GEOTIFF", "SVG", "MP4", "SQL", "DBF",
];

/// Formats that denote a service rather than a file.
const API_FORMATS: &[&str] = &[
    "API",
    "OPENAPI",
    "OPEN API",
    "REST",
    "RESTFUL",
    "SOAP",
    "WSDL",
    "WMS",
    "WFS",
    "WMTS",
    "WCS",
    "SPARQL",
    "ESRI REST",
    "OGC API",
    "ARCGIS GEOSERVICES REST API",
    "LINKED DATA API",
];

fn media_type_short(mt: &str) -> Option<&'static str> {
    let mt = mt.split(';').next().unwrap_or("").trim();
    Some(match mt {
        "text/csv" | "application/csv" => "CSV",
        "text/tab-separated-values" => "TSV",
        "application/json" | "text/json" => "JSON",
        "application/geo+json" | "application/vnd.geo+json" => "GEOJSON",
        "application/ld+json" => "JSON-LD",
        "application/xml" | "text/xml" => "XML",
        "application/vnd.ms-excel" => "XLS",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "XLSX",
        "application/vnd.oasis.opendocument.spreadsheet" => "ODS",
        "application/pdf" => "PDF",
        "application/zip" | "application/x-zip-compressed" => "ZIP",
        "application/gzip" | "application/x-gzip" => "GZ",
        "text/plain" => "TXT",
        "text/html" | "application/xhtml+xml" => "HTML",
        "application/rdf+xml" => "RDF",
        "text/turtle" => "TTL",
        "application/vnd.google-earth.kml+xml" => "KML",
        "application/vnd.google-earth.kmz" => "KMZ",
        "application/x-hwp" | "application/haansofthwp" | "application/vnd.hancom.hwp" => "HWP",
        "application/vnd.hancom.hwpx" => "HWPX",
        "application/msword" => "DOC",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "DOCX",
        "application/x-shapefile" | "application/vnd.shp" => "SHP",
        "application/geopackage+sqlite3" => "GPKG",
        "application/vnd.apache.parquet" => "PARQUET",
        "image/png" => "PNG",
        "image/jpeg" => "JPEG",
        "image/tiff" => "TIFF",
        "application/sparql-results+json" | "application/sparql-query" => "SPARQL",
        "application/vnd.oai.openapi+json" | "application/vnd.oai.openapi" => "OPENAPI",
        _ => return None,
    })
}

/// Upper-case short form of a CKAN format, DCAT format IRI or media type.
pub(super) fn short_format(raw: &str) -> String {
    let s = raw.trim();
    if s.is_empty() {
        return String::new();
    }
    let lower = s.to_ascii_lowercase();
    if let Some(i) = lower.find("/media-types/") {
        // IANA media type IRI: http://www.iana.org/assignments/media-types/text/csv
        let mt = &lower[i + "/media-types/".len()..];
        return media_type_short(mt)
            .map(str::to_string)
            .unwrap_or_else(|| mt.rsplit('/').next().unwrap_or("").to_ascii_uppercase());
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        // e.g. http://publications.europa.eu/resource/authority/file-type/CSV
        let last = s
            .trim_end_matches('/')
            .rsplit(['/', '#'])
            .next()
            .unwrap_or("");
        return short_format(last);
    }
    if let Some(short) = media_type_short(&lower) {
        return short.to_string();
    }
    if lower.contains('/') && !lower.contains(' ') {
        // Unknown media type: use the subtype ("application/x-foo+bar" → "FOO+BAR").
        let sub = lower.rsplit('/').next().unwrap_or("");
        let sub = sub.split(';').next().unwrap_or("").trim();
        let sub = sub.strip_prefix("x-").unwrap_or(sub);
        let sub = sub.strip_prefix("vnd.").unwrap_or(sub);
        return sub.to_ascii_uppercase();
    }
    s.trim_start_matches('.').trim().to_uppercase()
}

/// The extension of the URL's last path segment, if it is a known file format.
pub(super) fn url_file_format(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let path = match path.find("://") {
        Some(i) => match path[i + 3..].find('/') {
            Some(j) => &path[i + 3 + j..],
            None => "",
        },
        None => path,
    };
    let last = path.rsplit('/').next().unwrap_or("");
    let (_, ext) = last.rsplit_once('.')?;
    let ext = ext.to_ascii_uppercase();
    let ext = match ext.as_str() {
        "JSONLD" => "JSON-LD".to_string(),
        _ => ext,
    };
    FILE_FORMATS.contains(&ext.as_str()).then_some(ext)
}

fn url_looks_like_api(url: &str) -> bool {
    let l = url.to_ascii_lowercase();
    l.contains("/api/")
        || l.contains("openapi")
        || l.contains("swagger")
        || l.contains("wsdl")
        || l.contains("service=wms")
        || l.contains("service=wfs")
        || l.contains("/sparql")
        || l.contains("/wms")
        || l.contains("/wfs")
}

pub(super) fn classify(format: &str, url: &str, declared_api: bool) -> &'static str {
    let f = format.to_ascii_uppercase();
    if declared_api || API_FORMATS.contains(&f.as_str()) || f.ends_with(" API") {
        return "api";
    }
    let has_query = url.contains('?');
    if FILE_FORMATS.contains(&f.as_str()) {
        if (f == "JSON" || f == "XML" || f == "GEOJSON")
            && has_query
            && url_file_format(url).is_none()
        {
            // A JSON/XML endpoint taking parameters: a service.
            return "api";
        }
        return "file";
    }
    if url_file_format(url).is_some() {
        return "file";
    }
    if url_looks_like_api(url) {
        return "api";
    }
    "link"
}

/// Maps a frequency IRI, ISO 8601 duration or (Korean/English) word to the
/// catalog's update-cycle vocabulary. Cycles between two buckets go to the
/// longer one (so freshness checks do not flag them too early); multi-year
/// cycles are "irregular".
pub fn map_update_cycle(raw: &str) -> Option<&'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    // Korean words first (they contain no IRI punctuation).
    if !s.is_ascii() {
        let k: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let has = |w: &str| k.contains(w);
        return if has("실시간") {
            Some("realtime")
        } else if has("수시") || has("비정기") || has("부정기") || has("불규칙") {
            Some("irregular")
        } else if has("분기") {
            Some("quarterly")
        } else if has("반기") {
            Some("yearly")
        } else if has("매일") || has("일간") || has("일단위") || has("일1회") || has("일별")
        {
            Some("daily")
        } else if has("매주") || has("주간") || has("주1회") || has("주단위") || has("주별")
        {
            Some("weekly")
        } else if has("매월") || has("월간") || has("월1회") || has("월단위") || has("월별")
        {
            Some("monthly")
        } else if has("매년")
            || has("연간")
            || has("년간")
            || has("연1회")
            || has("년1회")
            || has("연단위")
        {
            Some("yearly")
        } else {
            None
        };
    }
    let local = s
        .trim_end_matches('/')
        .rsplit(['/', '#', ':'])
        .next()
        .unwrap_or(s);
    let u = local.trim().to_ascii_uppercase().replace(['-', ' '], "_");
    if let Some(days) = iso_duration_days(&u) {
        return Some(bucket_days(days));
    }
    Some(match u.as_str() {
        "CONT" | "UPDATE_CONT" | "CONTINUOUS" | "REALTIME" | "REAL_TIME" | "HOURLY"
        | "BIHOURLY" | "TRIHOURLY" | "12HRS" | "1MIN" | "5MIN" | "10MIN" | "15MIN" | "30MIN" => {
            "realtime"
        }
        "DAILY" | "DAILY_2" | "TWICE_A_DAY" => "daily",
        "WEEKLY" | "WEEKLY_2" | "WEEKLY_3" | "SEMIWEEKLY" | "THREETIMESAWEEK" => "weekly",
        "MONTHLY" | "MONTHLY_2" | "MONTHLY_3" | "SEMIMONTHLY" | "THREETIMESAMONTH" | "BIWEEKLY" => {
            "monthly"
        }
        "QUARTERLY" | "BIMONTHLY" => "quarterly",
        "ANNUAL" | "ANNUALLY" | "YEARLY" | "ANNUAL_2" | "ANNUAL_3" | "SEMIANNUAL"
        | "THREETIMESAYEAR" => "yearly",
        "IRREG" | "IRREGULAR" | "AS_NEEDED" | "OTHER" | "BIENNIAL" | "TRIENNIAL"
        | "QUADRENNIAL" | "QUINQUENNIAL" | "DECENNIAL" | "BIDECENNIAL" | "TRIDECENNIAL" => {
            "irregular"
        }
        _ => return None,
    })
}

/// Approximate length in days of an ISO 8601 duration such as "P1D", "P3M", "PT1H".
fn iso_duration_days(u: &str) -> Option<f64> {
    let rest = u.strip_prefix('P')?;
    if rest.is_empty() {
        return None;
    }
    let mut days = 0.0;
    let mut num = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c {
            'T' if num.is_empty() => in_time = true,
            '0'..='9' | '.' | ',' => num.push(if c == ',' { '.' } else { c }),
            _ => {
                let n: f64 = num.parse().ok()?;
                num.clear();
                any = true;
                days += n * match (in_time, c) {
                    (false, 'Y') => 365.0,
                    (false, 'M') => 30.0,
                    (false, 'W') => 7.0,
                    (false, 'D') => 1.0,
                    (true, 'H') => 1.0 / 24.0,
                    (true, 'M') => 1.0 / 1440.0,
                    (true, 'S') => 1.0 / 86400.0,
                    _ => return None,
                };
            }
        }
    }
    (any && num.is_empty()).then_some(days)
}

fn bucket_days(days: f64) -> &'static str {
    if days < 1.0 {
        "realtime"
    } else if days <= 1.0 {
        "daily"
    } else if days <= 7.0 {
        "weekly"
    } else if days <= 31.0 {
        "monthly"
    } else if days <= 92.0 {
        "quarterly"
    } else if days <= 366.0 {
        "yearly"
    } else {
        "irregular"
    }
}

#[cfg(test)]
#[path = "formats_tests.rs"]
mod tests;
