//! The demo catalog: shaped like Seongdong-gu's (733 datasets across its departments, themes,
//! administrative dongs and source institutions), the city's crowd hot spots, and demo users.
//! Synthetic but deterministic: the same data on every machine. Loaded into an empty database.

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    Set,
};
use serde_json::json;
use types::model::{Role, Status, UpdateCycle, Visibility};

use crate::entities::*;

pub const DEMO_PASSWORD: &str = "dongne-demo";
pub const DATASET_COUNT: usize = 733;

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

/// A topic the district publishes. Columns: "name:type:unit" (unit optional).
struct Topic {
    slug: &'static str,
    ko: &'static str,
    en: &'static str,
    dept: &'static str,
    theme: &'static str,
    kind: &'static str,
    cycle: UpdateCycle,
    /// i: internal, d: broken down per dong, y: yearly editions
    flags: &'static str,
    columns: &'static str,
}

macro_rules! topics {
    ($($slug:literal, $ko:literal, $en:literal, $dept:literal, $theme:literal, $kind:literal, $cycle:ident, $flags:literal, $cols:literal;)+) => {
        &[$(Topic {
            slug: $slug, ko: $ko, en: $en, dept: $dept, theme: $theme, kind: $kind,
            cycle: UpdateCycle::$cycle,
            flags: $flags,
            columns: $cols,
        }),+]
    };
}

const TOPICS: &[Topic] = topics![
    "parks-green-spaces", "공원 및 녹지 현황", "Parks and green spaces", "parks", "environment", "map", Yearly, "d", "공원명:text,공원구분:text,주소:text,면적:number:㎡,위도:number,경도:number,지정일자:date";
    "public-wifi", "공공와이파이 설치 현황", "Public Wi-Fi installations", "smart-city", "science-tech", "map", Quarterly, "d", "설치장소명:text,설치위치:text,설치유형:text,서비스제공사:text,설치년월:date,위도:number,경도:number";
    "illegal-buildings", "위반건축물 현황", "Illegal buildings", "architecture", "land-development", "file", Monthly, "dy", "대지위치:text,위반내용:text,위반면적:number:㎡,적발일자:date,조치상태:text";
    "maintenance-projects", "정비사업 추진 현황", "Housing maintenance projects", "maintenance", "land-development", "file", Quarterly, "d", "사업명:text,사업유형:text,위치:text,구역면적:number:㎡,추진단계:text,조합설립인가일:date,세대수:integer:세대";
    "child-pedestrian-accidents", "어린이 보행자 사고 다발지역", "Child pedestrian accident hot spots", "transport", "transport", "map", Yearly, "y", "지점명:text,사고건수:integer:건,사상자수:integer:명,사망자수:integer:명,위도:number,경도:number";
    "cctv", "방범용 CCTV 설치 현황", "Crime-prevention CCTV cameras", "safety", "public-safety", "map", Quarterly, "d", "관리번호:text,설치장소:text,카메라대수:integer:대,설치년도:integer,위도:number,경도:number";
    "smoking-areas", "흡연구역 지정 현황", "Designated smoking areas", "health", "health", "file", Irregular, "d", "구역명:text,주소:text,구분:text,면적:number:㎡";
    "no-smoking-zones", "금연구역 지정 현황", "No-smoking zones", "health", "health", "file", Irregular, "d", "시설명:text,주소:text,지정유형:text,지정일자:date";
    "public-toilets", "공중화장실 현황", "Public toilets", "environment", "environment", "map", Yearly, "d", "화장실명:text,소재지:text,남녀공용여부:text,개방시간:text,위도:number,경도:number";
    "parking-lots", "공영주차장 현황", "Public parking lots", "transport", "transport", "api", RealTime, "d", "주차장명:text,주소:text,주차면수:integer:면,운영시간:text,요금:integer:원,현재주차대수:integer:대";
    "bus-stops", "버스정류소 위치", "Bus stops", "transport", "transport", "map", Yearly, "", "정류소번호:text,정류소명:text,위도:number,경도:number,경유노선:text";
    "population-by-dong", "행정동별 주민등록 인구", "Registered population by dong", "general-affairs", "public-administration", "statistics", Monthly, "y", "행정동:text,세대수:integer:세대,인구수:integer:명,남자:integer:명,여자:integer:명,65세이상:integer:명";
    "foreign-residents", "등록외국인 현황", "Registered foreign residents", "general-affairs", "public-administration", "statistics", Quarterly, "y", "행정동:text,국적:text,인원:integer:명";
    "welfare-facilities", "사회복지시설 현황", "Social welfare facilities", "welfare", "social-welfare", "map", Yearly, "d", "시설명:text,시설유형:text,주소:text,정원:integer:명,전화번호:text";
    "senior-centers", "경로당 현황", "Senior community centres", "welfare", "social-welfare", "file", Yearly, "d", "경로당명:text,주소:text,회원수:integer:명,면적:number:㎡";
    "daycare-centers", "어린이집 현황", "Daycare centres", "education", "education", "map", Monthly, "d", "어린이집명:text,유형:text,정원:integer:명,현원:integer:명,주소:text";
    "libraries", "공공도서관 현황", "Public libraries", "culture", "culture-tourism", "map", Yearly, "", "도서관명:text,주소:text,장서수:integer:권,좌석수:integer:석,휴관일:text";
    "sports-facilities", "공공체육시설 현황", "Public sports facilities", "culture", "culture-tourism", "map", Yearly, "d", "시설명:text,종류:text,주소:text,면적:number:㎡";
    "cultural-events", "문화행사 정보", "Cultural events", "culture", "culture-tourism", "api", Daily, "", "행사명:text,장소:text,시작일:date,종료일:date,요금:text";
    "restaurants-hygiene", "일반음식점 인허가 정보", "Restaurant licences", "health", "health", "api", Daily, "d", "업소명:text,업태:text,소재지:text,인허가일자:date,영업상태:text";
    "model-restaurants", "모범음식점 지정 현황", "Model restaurants", "health", "health", "file", Yearly, "", "업소명:text,주소:text,주메뉴:text,지정일자:date";
    "street-trees", "가로수 현황", "Street trees", "parks", "environment", "map", Yearly, "d", "수종:text,도로명:text,본수:integer:그루,흉고직경:number:cm";
    "air-quality", "대기질 측정 정보", "Air quality measurements", "environment", "environment", "api", RealTime, "", "측정소:text,측정일시:datetime,미세먼지:number:㎍/㎥,초미세먼지:number:㎍/㎥,오존:number:ppm";
    "noise-complaints", "소음 민원 접수 현황", "Noise complaints", "environment", "environment", "file", Monthly, "iy", "접수일:date,행정동:text,소음유형:text,처리결과:text";
    "waste-collection", "생활폐기물 수거 현황", "Household waste collection", "environment", "environment", "statistics", Monthly, "y", "연월:text,종량제:number:톤,재활용:number:톤,음식물:number:톤";
    "clothing-bins", "의류수거함 위치", "Clothing collection bins", "environment", "environment", "map", Irregular, "d", "관리번호:text,주소:text,위도:number,경도:number";
    "shelters", "민방위 대피시설 현황", "Civil defence shelters", "safety", "public-safety", "map", Yearly, "d", "시설명:text,주소:text,수용인원:integer:명,면적:number:㎡,위도:number,경도:number";
    "heat-shelters", "무더위쉼터 현황", "Heatwave shelters", "safety", "public-safety", "map", Yearly, "d", "쉼터명:text,주소:text,이용가능인원:integer:명,운영시간:text";
    "flood-risk", "침수 위험지역 현황", "Flood-risk areas", "safety", "public-safety", "map", Yearly, "i", "지역명:text,위험등급:text,면적:number:㎡,조치사항:text";
    "crowd-hotspots", "인파 밀집 주요 지점 실시간 현황", "Real-time crowding at major spots", "safety", "public-safety", "api", RealTime, "", "지점명:text,혼잡도:text,인구최소:integer:명,인구최대:integer:명,관측시각:datetime";
    "traditional-markets", "전통시장 현황", "Traditional markets", "economy", "industry", "file", Yearly, "", "시장명:text,주소:text,점포수:integer:개,상인회:text";
    "social-enterprises", "사회적기업 현황", "Social enterprises", "economy", "industry", "file", Quarterly, "", "기업명:text,업종:text,주소:text,인증일:date,고용인원:integer:명";
    "seongsu-startups", "성수 지식산업센터 입주기업 현황", "Companies in Seongsu knowledge-industry centres", "economy", "industry", "file", Quarterly, "i", "센터명:text,기업명:text,업종:text,입주일:date";
    "local-tax", "지방세 부과 현황", "Local tax assessments", "tax", "finance", "statistics", Yearly, "iy", "세목:text,부과건수:integer:건,부과액:integer:천원,징수액:integer:천원";
    "budget", "세출 예산 현황", "Expenditure budget", "planning", "finance", "statistics", Yearly, "y", "분야:text,부문:text,예산액:integer:천원,전년대비:number:%";
    "contracts", "계약 정보 공개", "Public contracts", "planning", "finance", "file", Monthly, "y", "계약명:text,계약방법:text,계약금액:integer:원,계약일자:date,업체명:text";
    "committees", "각종 위원회 운영 현황", "Committees", "planning", "public-administration", "file", Yearly, "", "위원회명:text,근거법령:text,위원수:integer:명,개최횟수:integer:회";
    "civil-complaints", "민원 처리 현황", "Civil complaint handling", "general-affairs", "public-administration", "statistics", Monthly, "iy", "연월:text,접수:integer:건,처리:integer:건,평균처리일수:number:일";
    "staff-training", "직원 교육 이수 현황", "Staff training records", "general-affairs", "public-administration", "file", Quarterly, "i", "과정명:text,이수인원:integer:명,교육시간:integer:시간";
    "building-permits", "건축 인허가 현황", "Building permits", "architecture", "land-development", "api", Daily, "dy", "대지위치:text,주용도:text,연면적:number:㎡,허가일:date,착공일:date";
    "land-prices", "개별공시지가", "Officially assessed land prices", "urban-planning", "land-development", "statistics", Yearly, "y", "필지:text,지목:text,공시지가:integer:원/㎡,기준일:date";
    "urban-planning-facilities", "도시계획시설 현황", "Urban planning facilities", "urban-planning", "land-development", "map", Irregular, "", "시설명:text,시설종류:text,결정고시일:date,면적:number:㎡";
    "vacant-houses", "빈집 실태 현황", "Vacant houses", "maintenance", "land-development", "file", Yearly, "id", "소재지:text,등급:text,건축년도:integer,조치계획:text";
    "streetlights", "보안등 설치 현황", "Security streetlights", "safety", "public-safety", "map", Yearly, "d", "관리번호:text,위치:text,광원:text,설치년도:integer,위도:number,경도:number";
    "bike-stations", "따릉이 대여소 현황", "Public bike stations", "transport", "transport", "api", RealTime, "", "대여소명:text,거치대수:integer:대,현재대수:integer:대,위도:number,경도:number";
    "school-zones", "어린이 보호구역 현황", "School zones", "transport", "transport", "map", Yearly, "d", "대상시설명:text,주소:text,제한속도:integer:km/h,CCTV설치대수:integer:대";
    "health-center-programs", "보건소 건강프로그램 운영 현황", "Health centre programmes", "health", "health", "file", Quarterly, "", "프로그램명:text,대상:text,정원:integer:명,기간:text";
    "vaccination", "예방접종 현황", "Vaccinations", "health", "health", "statistics", Monthly, "iy", "연월:text,백신종류:text,접종건수:integer:건";
    "youth-centers", "청소년 시설 현황", "Youth facilities", "education", "education", "file", Yearly, "", "시설명:text,주소:text,프로그램수:integer:개";
    "lifelong-learning", "평생학습 강좌 현황", "Lifelong learning courses", "education", "education", "api", Monthly, "", "강좌명:text,기관:text,수강료:integer:원,정원:integer:명";
    "disabled-facilities", "장애인 편의시설 현황", "Accessibility facilities", "welfare", "social-welfare", "map", Yearly, "d", "시설명:text,편의시설종류:text,주소:text";
    "basic-livelihood", "기초생활수급자 현황", "Basic livelihood recipients", "welfare", "social-welfare", "statistics", Monthly, "iy", "행정동:text,가구수:integer:가구,수급자수:integer:명";
    "tourist-spots", "관광명소 정보", "Tourist attractions", "culture", "culture-tourism", "api", Irregular, "", "명소명:text,분류:text,주소:text,소개:text,위도:number,경도:number";
    "film-locations", "촬영지 정보", "Film locations", "culture", "culture-tourism", "file", Irregular, "", "작품명:text,장소:text,주소:text";
    "smart-poles", "스마트폴 설치 현황", "Smart poles", "smart-city", "science-tech", "map", Quarterly, "", "관리번호:text,위치:text,기능:text,설치일:date";
    "iot-sensors", "IoT 센서 측정 정보", "IoT sensor readings", "smart-city", "science-tech", "api", RealTime, "", "센서ID:text,측정항목:text,측정값:number,측정시각:datetime";
    "floating-population", "유동인구 통계", "Floating population", "smart-city", "public-safety", "statistics", Monthly, "dy", "집계구:text,시간대:text,유동인구:integer:명";
];

impl Topic {
    fn internal(&self) -> bool {
        self.flags.contains('i')
    }
    fn per_dong(&self) -> bool {
        self.flags.contains('d')
    }
    fn yearly(&self) -> bool {
        self.flags.contains('y')
    }
}

fn term_rows(scheme_id: i32, rows: &[(&str, &str, &str)]) -> Vec<term::ActiveModel> {
    rows.iter()
        .enumerate()
        .map(|(i, (code, ko, en))| term::ActiveModel {
            scheme_id: Set(scheme_id),
            code: Set(code.to_string()),
            label_ko: Set(ko.to_string()),
            label_en: Set(en.to_string()),
            position: Set(i as i32),
            ..Default::default()
        })
        .collect()
}

/// Deterministic pseudo-random numbers (no RNG state shared across runs).
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xD1B5_4A32_D192_ED03);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

/// One generated dataset before insertion.
#[derive(Clone)]
pub struct Planned<'a> {
    topic: &'a Topic,
    slug: String,
    title_ko: String,
    title_en: String,
    dong: Option<usize>,
    year: Option<i32>,
}

/// A synthetic catalog of `n` more datasets shaped like the demo one (for benchmarks):
/// every topic, per dong, per year, numbered editions.
pub fn synthetic_plan(n: usize) -> Vec<Planned<'static>> {
    (0..n)
        .map(|i| {
            let t = &TOPICS[i % TOPICS.len()];
            let dong = (i / TOPICS.len()) % DONGS.len();
            let year = 2000 + ((i / (TOPICS.len() * DONGS.len())) % 25) as i32;
            let edition = i / (TOPICS.len() * DONGS.len() * 25);
            let (code, ko, en) = DONGS[dong];
            Planned {
                topic: t,
                slug: format!("syn-{}-{code}-{year}-{edition}", t.slug),
                title_ko: format!(
                    "서울특별시 성동구_{ko} {} ({year}년 제{}판)",
                    t.ko,
                    edition + 1
                ),
                title_en: format!(
                    "Seongdong-gu {en}: {} ({year}, edition {})",
                    t.en,
                    edition + 1
                ),
                dong: Some(dong),
                year: Some(year),
            }
        })
        .collect()
}

fn plan() -> Vec<Planned<'static>> {
    let mut out = Vec::new();
    for t in TOPICS {
        out.push(Planned {
            topic: t,
            slug: t.slug.to_string(),
            title_ko: format!("서울특별시 성동구_{}", t.ko),
            title_en: format!("Seongdong-gu {}", t.en),
            dong: None,
            year: None,
        });
    }
    // Yearly editions, then per-dong breakdowns, interleaved until the catalog has 733 datasets.
    let mut round = 0;
    while out.len() < DATASET_COUNT {
        for t in TOPICS {
            if out.len() >= DATASET_COUNT {
                break;
            }
            if t.yearly() && round < 18 {
                let year = 2024 - round as i32;
                out.push(Planned {
                    topic: t,
                    slug: format!("{}-{year}", t.slug),
                    title_ko: format!("서울특별시 성동구_{} ({year}년)", t.ko),
                    title_en: format!("Seongdong-gu {} ({year})", t.en),
                    dong: None,
                    year: Some(year),
                });
            }
            if t.per_dong() && round < DONGS.len() && out.len() < DATASET_COUNT {
                let (code, ko, en) = DONGS[round];
                out.push(Planned {
                    topic: t,
                    slug: format!("{}-{code}", t.slug),
                    title_ko: format!("서울특별시 성동구_{ko} {}", t.ko),
                    title_en: format!("Seongdong-gu {en}: {}", t.en),
                    dong: Some(round),
                    year: None,
                });
            }
        }
        round += 1;
        assert!(round < 100, "topic list too small for the demo catalog");
    }
    out
}

fn source_for(topic: &Topic, i: usize) -> usize {
    match topic.kind {
        "statistics" => {
            if i.is_multiple_of(3) {
                2
            } else {
                0
            }
        }
        "api" => {
            if i.is_multiple_of(2) {
                3
            } else {
                1
            }
        }
        _ => match i % 5 {
            0 => 1,
            1 => 3,
            _ => 0,
        },
    }
}

/// Load the demo data into an empty database, in one transaction. Returns false when the
/// database already holds data (nothing is touched).
pub async fn seed_if_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    if department::Entity::find().count(&txn).await? > 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    seed(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

async fn seed(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    let now = Utc::now();
    let mut dept_ids = Vec::new();
    for (code, ko, en) in DEPARTMENTS {
        let d = department::ActiveModel {
            code: Set(code.to_string()),
            name_ko: Set(ko.to_string()),
            name_en: Set(en.to_string()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        dept_ids.push((code.to_string(), d.id));
    }
    let dept_id = |code: &str| {
        dept_ids
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| *id)
            .expect("known department")
    };

    // Demo users: one hash for the shared demo password (argon2 is deliberately slow).
    let hash = crate::services::auth::hash_password(DEMO_PASSWORD)
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    let mut users = vec![
        ("admin", "관리자 김성동", Role::Admin, None),
        (
            "viewer",
            "열람자 이열람",
            Role::Viewer,
            Some("general-affairs"),
        ),
    ];
    let family = [
        "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권",
        "황",
    ];
    let mut user_names = Vec::new();
    for (i, (code, ko, _)) in DEPARTMENTS.iter().enumerate() {
        user_names.push((
            format!("{code}-steward"),
            format!("{}{} ({ko} 관리책임자)", family[i % family.len()], "주무관"),
            Role::Steward,
            *code,
        ));
        user_names.push((
            format!("{code}-editor"),
            format!(
                "{}{} ({ko} 편집자)",
                family[(i + 5) % family.len()],
                "주무관"
            ),
            Role::Editor,
            *code,
        ));
    }
    for (username, name, role, dept) in users
        .drain(..)
        .map(|(u, n, r, d)| (u.to_string(), n.to_string(), r, d))
        .chain(
            user_names
                .into_iter()
                .map(|(u, n, r, d)| (u, n, r, Some(d))),
        )
    {
        user::ActiveModel {
            username: Set(username),
            display_name: Set(name),
            password_hash: Set(hash.clone()),
            role: Set(role.code().to_string()),
            department_id: Set(dept.map(dept_id)),
            active: Set(true),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }

    // Classification schemes and their terms.
    let cycles: Vec<(&str, &str, &str)> = UpdateCycle::ALL
        .iter()
        .map(|c| {
            (
                c.code(),
                c.label(types::i18n::Lang::Ko),
                c.label(types::i18n::Lang::En),
            )
        })
        .collect();
    let schemes: [(&str, &str, &str, &[Coded]); 6] = [
        ("theme", "분야", "Theme", THEMES),
        ("department", "부서", "Department", DEPARTMENTS),
        ("dong", "행정동", "Administrative dong", DONGS),
        ("source", "제공 기관", "Source institution", SOURCES),
        ("data_type", "데이터 유형", "Data type", DATA_TYPES),
        ("update_cycle", "갱신 주기", "Update cycle", &cycles),
    ];
    for (pos, (code, ko, en, terms)) in schemes.iter().enumerate() {
        let s = scheme::ActiveModel {
            code: Set(code.to_string()),
            name_ko: Set(ko.to_string()),
            name_en: Set(en.to_string()),
            position: Set(pos as i32),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        term::Entity::insert_many(term_rows(s.id, terms))
            .exec(txn)
            .await?;
    }
    insert_planned(txn, plan(), 0).await?;
    seed_views(txn).await
}

/// A month of plausible page views for some public datasets, so "most viewed" has something
/// to show in the demo (a few popular datasets, a long tail).
async fn seed_views(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    use crate::entities::{dataset, dataset_view};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    let ids: Vec<i32> = dataset::Entity::find()
        .select_only()
        .column(dataset::Column::Id)
        .filter(dataset::Column::Visibility.eq("public"))
        .filter(dataset::Column::Status.eq("published"))
        .order_by_asc(dataset::Column::Id)
        .limit(40)
        .into_tuple()
        .all(txn)
        .await?;
    let today = Utc::now().date_naive();
    let mut rows = Vec::new();
    for (rank, id) in ids.iter().enumerate() {
        // Roughly Zipf: the 1st gets about 60 a day, the 40th one or two.
        let daily = 60.0 / (rank as f64 * 0.7 + 1.0);
        for day in 0..30i64 {
            let wobble = ((*id as i64 * 31 + day * 17) % 7) as f64 / 7.0 + 0.6;
            let views = (daily * wobble).round() as i64;
            if views > 0 {
                rows.push(dataset_view::ActiveModel {
                    dataset_id: Set(*id),
                    day: Set(today - chrono::Duration::days(day)),
                    views: Set(views),
                });
            }
        }
    }
    for chunk in rows.chunks(500) {
        dataset_view::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Insert planned datasets with their terms, distributions, columns and first revision.
/// `offset` keeps the pseudo-random choices of later batches distinct.
pub async fn insert_planned(
    txn: &DatabaseTransaction,
    plans: Vec<Planned<'static>>,
    offset: usize,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let depts: std::collections::HashMap<String, i32> = department::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let dept_id = |code: &str| depts.get(code).copied().expect("known department");
    let schemes: std::collections::HashMap<i32, String> = scheme::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.code))
        .collect();
    let term_ids: std::collections::HashMap<(String, String), i32> = term::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|t| Some(((schemes.get(&t.scheme_id)?.clone(), t.code), t.id)))
        .collect();
    let tid = |scheme: &str, code: &str| {
        term_ids
            .get(&(scheme.to_string(), code.to_string()))
            .copied()
            .expect("known term")
    };
    let user_ids: Vec<(String, i32)> = user::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|u| (u.username, u.id))
        .collect();
    let mut links = Vec::new();
    let mut dists = Vec::new();
    let mut cols = Vec::new();
    let mut revs = Vec::new();
    for (i, p) in plans.into_iter().enumerate() {
        let i = offset + i;
        let t = p.topic;
        let r = mix(i as u64, 7);
        let source = source_for(t, i);
        let (src_code, src_ko, _) = SOURCES[source];
        let visibility = if t.internal() {
            Visibility::Internal
        } else {
            Visibility::Public
        };
        let status = match r % 50 {
            0 => Status::Draft,
            1 => Status::Archived,
            _ => Status::Published,
        };
        let age_days = (mix(i as u64, 11) % 400) as i64;
        let updated_at = now - Duration::days(age_days) - Duration::minutes((r % 1440) as i64);
        let last_updated = updated_at.date_naive();
        let next_due = t
            .cycle
            .period_days()
            .map(|d| last_updated + Duration::days(d));
        let dong_text = p.dong.map(|d| DONGS[d].1).unwrap_or("성동구 전역");
        let year_text = p.year.map(|y| format!("{y}년 기준 ")).unwrap_or_default();
        let description_ko = format!(
            "{}{}의 {} 데이터입니다. {}에서 관리하며 {} 주기로 갱신됩니다. 항목: {}.",
            year_text,
            dong_text,
            t.ko,
            DEPARTMENTS
                .iter()
                .find(|d| d.0 == t.dept)
                .map(|d| d.1)
                .unwrap_or(""),
            t.cycle.label(types::i18n::Lang::Ko),
            t.columns
                .split(',')
                .map(|c| c.split(':').next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let description_en = format!(
            "{} in {}{}, maintained by the {} and updated {}.",
            t.en,
            p.dong.map(|d| DONGS[d].2).unwrap_or("all of Seongdong-gu"),
            p.year.map(|y| format!(" as of {y}")).unwrap_or_default(),
            DEPARTMENTS
                .iter()
                .find(|d| d.0 == t.dept)
                .map(|d| d.2)
                .unwrap_or(""),
            t.cycle.label(types::i18n::Lang::En).to_lowercase()
        );
        let keywords: Vec<String> =
            t.ko.split_whitespace()
                .filter(|w| w.chars().count() >= 2 && *w != "현황" && *w != "정보")
                .map(String::from)
                .chain(std::iter::once(src_ko.to_string()))
                .collect();
        let (temporal_start, temporal_end) = match p.year {
            Some(y) => (
                NaiveDate::from_ymd_opt(y, 1, 1),
                NaiveDate::from_ymd_opt(y, 12, 31),
            ),
            None => (NaiveDate::from_ymd_opt(2015 + (r % 6) as i32, 1, 1), None),
        };
        let d = dataset::ActiveModel {
            slug: Set(p.slug.clone()),
            title_ko: Set(p.title_ko.clone()),
            title_en: Set(p.title_en.clone()),
            description_ko: Set(description_ko),
            description_en: Set(description_en),
            department_id: Set(dept_id(t.dept)),
            source_institution: Set(src_ko.to_string()),
            visibility: Set(visibility.code().to_string()),
            status: Set(status.code().to_string()),
            license: Set(if t.internal() {
                "내부 활용".to_string()
            } else {
                "공공누리 제1유형 (출처표시)".to_string()
            }),
            update_cycle: Set(t.cycle.code().to_string()),
            last_updated: Set(Some(last_updated)),
            next_due: Set(next_due),
            keywords: Set(json!(keywords)),
            spatial_coverage: Set(Some(dong_text.to_string())),
            temporal_start: Set(temporal_start),
            temporal_end: Set(temporal_end),
            contact_name: Set(Some(format!(
                "{} 데이터 담당",
                DEPARTMENTS
                    .iter()
                    .find(|d| d.0 == t.dept)
                    .map(|d| d.1)
                    .unwrap_or("")
            ))),
            contact_phone: Set(Some(format!("02-2286-{:04}", 5000 + (r % 999)))),
            contact_email: Set(None),
            version: Set(1),
            created_at: Set(updated_at - Duration::days(30)),
            updated_at: Set(updated_at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let mut term_list = vec![
            tid("theme", t.theme),
            tid("department", t.dept),
            tid("source", src_code),
            tid("data_type", t.kind),
            tid("update_cycle", t.cycle.code()),
        ];
        match p.dong {
            Some(dong) => term_list.push(tid("dong", DONGS[dong].0)),
            None => {
                // District-wide datasets list a few dongs they cover in detail.
                for k in 0..(r % 3) {
                    let dong = DONGS[(mix(i as u64, k) % DONGS.len() as u64) as usize].0;
                    let id = tid("dong", dong);
                    if !term_list.contains(&id) {
                        term_list.push(id);
                    }
                }
            }
        }
        for term_id in term_list {
            links.push(dataset_term::ActiveModel {
                dataset_id: Set(d.id),
                term_id: Set(term_id),
            });
        }
        let formats: &[&str] = match t.kind {
            "api" => &["JSON", "XML"],
            "map" => &["CSV", "GeoJSON"],
            "statistics" => &["XLSX", "CSV"],
            _ => &["CSV"],
        };
        for (pos, format) in formats.iter().enumerate() {
            let kind = if t.kind == "api" { "api" } else { "file" };
            let url = match (kind, src_code) {
                ("api", _) => format!(
                    "https://openapi.example.seoul.kr/{}/{}",
                    p.slug,
                    format.to_lowercase()
                ),
                _ => format!(
                    "https://data.example.sd.go.kr/files/{}.{}",
                    p.slug,
                    format.to_lowercase()
                ),
            };
            dists.push(distribution::ActiveModel {
                dataset_id: Set(d.id),
                position: Set(pos as i32),
                title: Set(format!("{} ({format})", p.title_ko)),
                kind: Set(kind.to_string()),
                format: Set(format.to_string()),
                url: Set(url),
                size_bytes: Set((kind == "file")
                    .then(|| 2_000 + (mix(i as u64, pos as u64) % 4_000_000) as i64)),
                created_at: Set(updated_at),
                ..Default::default()
            });
        }
        for (pos, spec) in t.columns.split(',').enumerate() {
            let mut parts = spec.split(':');
            let name = parts.next().unwrap_or("").to_string();
            let data_type = parts.next().unwrap_or("text").to_string();
            let unit = parts.next().map(String::from);
            cols.push(data_column::ActiveModel {
                dataset_id: Set(d.id),
                position: Set(pos as i32),
                name: Set(name.clone()),
                data_type: Set(data_type),
                description: Set(Some(format!("{name} 항목"))),
                unit: Set(unit),
                ..Default::default()
            });
        }
        let author = user_ids
            .iter()
            .find(|(u, _)| *u == format!("{}-steward", t.dept))
            .map(|(_, id)| *id);
        revs.push(revision::ActiveModel {
            dataset_id: Set(d.id),
            version: Set(1),
            author_id: Set(author),
            created_at: Set(updated_at),
            message: Set("최초 등록 (데모 데이터)".to_string()),
            diff: Set(json!({})),
            snapshot: Set(
                json!({ "slug": p.slug, "title_ko": p.title_ko, "title_en": p.title_en }),
            ),
            ..Default::default()
        });
    }
    for chunk in links.chunks(500) {
        dataset_term::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    for chunk in dists.chunks(300) {
        distribution::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    for chunk in cols.chunks(300) {
        data_column::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    for chunk in revs.chunks(300) {
        revision::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn plan_has_733_unique_slugs() {
        let plan = super::plan();
        assert_eq!(plan.len(), super::DATASET_COUNT);
        let slugs: std::collections::HashSet<_> = plan.iter().map(|p| p.slug.clone()).collect();
        assert_eq!(slugs.len(), plan.len());
    }
}
