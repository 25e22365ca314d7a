//! The demo vocabularies: departments, themes, administrative dongs, source institutions and
//! data types, each as (code, Korean label, English label).

/// (code, Korean label, English label)
pub type Coded = (&'static str, &'static str, &'static str);

/// (code, Korean name, English name)
pub const DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("planning", "기획예산과", "Planning and Budget Division"),
    ("smart-city", "스마트도시과", "Smart City Division"),
    (
        "general-affairs",
        "행정지원과",
        "Administrative Support Division",
    ),
    ("welfare", "복지정책과", "Welfare Policy Division"),
    ("culture", "문화체육과", "Culture and Sports Division"),
    ("parks", "공원녹지과", "Parks and Green Spaces Division"),
    (
        "transport",
        "교통행정과",
        "Transport Administration Division",
    ),
    ("architecture", "건축과", "Architecture Division"),
    ("urban-planning", "도시계획과", "Urban Planning Division"),
    ("maintenance", "주거정비과", "Housing Maintenance Division"),
    ("environment", "환경과", "Environment Division"),
    ("health", "보건정책과", "Health Policy Division"),
    ("safety", "안전재난과", "Safety and Disaster Division"),
    ("economy", "지역경제과", "Local Economy Division"),
    ("education", "교육정책과", "Education Policy Division"),
    ("tax", "세무1과", "Tax Division 1"),
];

/// Themes of the national public-data classification.
pub const THEMES: &[(&str, &str, &str)] = &[
    (
        "public-administration",
        "일반공공행정",
        "Public administration",
    ),
    ("social-welfare", "사회복지", "Social welfare"),
    (
        "culture-tourism",
        "문화체육관광",
        "Culture, sports and tourism",
    ),
    ("transport", "교통및물류", "Transport and logistics"),
    ("environment", "환경", "Environment"),
    ("health", "보건", "Health"),
    (
        "land-development",
        "국토및지역개발",
        "Land and regional development",
    ),
    ("public-safety", "공공질서및안전", "Public order and safety"),
    (
        "industry",
        "산업·통상·중소기업",
        "Industry and small business",
    ),
    ("education", "교육", "Education"),
    ("finance", "재정·세제·금융", "Finance and taxation"),
    ("science-tech", "과학기술", "Science and technology"),
];

/// The 17 administrative dongs of Seongdong-gu.
pub const DONGS: &[(&str, &str, &str)] = &[
    ("wangsimni2", "왕십리제2동", "Wangsimni 2-dong"),
    ("wangsimni-doseon", "왕십리도선동", "Wangsimni-doseon-dong"),
    ("majang", "마장동", "Majang-dong"),
    ("sageun", "사근동", "Sageun-dong"),
    ("haengdang1", "행당제1동", "Haengdang 1-dong"),
    ("haengdang2", "행당제2동", "Haengdang 2-dong"),
    ("eungbong", "응봉동", "Eungbong-dong"),
    ("geumho1ga", "금호1가동", "Geumho 1-ga-dong"),
    ("geumho23ga", "금호2·3가동", "Geumho 2·3-ga-dong"),
    ("geumho4ga", "금호4가동", "Geumho 4-ga-dong"),
    ("oksu", "옥수동", "Oksu-dong"),
    ("seongsu1ga1", "성수1가제1동", "Seongsu 1-ga 1-dong"),
    ("seongsu1ga2", "성수1가제2동", "Seongsu 1-ga 2-dong"),
    ("seongsu2ga1", "성수2가제1동", "Seongsu 2-ga 1-dong"),
    ("seongsu2ga3", "성수2가제3동", "Seongsu 2-ga 3-dong"),
    ("songjeong", "송정동", "Songjeong-dong"),
    ("yongdap", "용답동", "Yongdap-dong"),
];

pub const SOURCES: &[(&str, &str, &str)] = &[
    ("seongdong", "성동구", "Seongdong-gu Office"),
    ("data-go-kr", "공공데이터포털", "Public Data Portal"),
    (
        "kosis",
        "국가통계포털",
        "National Statistical Portal (KOSIS)",
    ),
    (
        "seoul-open-data",
        "서울 열린데이터광장",
        "Seoul Open Data Plaza",
    ),
];

pub const DATA_TYPES: &[(&str, &str, &str)] = &[
    ("file", "파일데이터", "File"),
    ("api", "오픈API", "Open API"),
    ("map", "공간정보", "Geospatial"),
    ("statistics", "통계표", "Statistical table"),
];
