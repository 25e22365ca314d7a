//! The topics the demo district publishes: one line each, with its department, theme, kind,
//! update cycle, flags and data dictionary.

use types::model::UpdateCycle;

/// A topic the district publishes. Columns: "name:type:unit" (unit optional).
pub(super) struct Topic {
    pub(super) slug: &'static str,
    pub(super) ko: &'static str,
    pub(super) en: &'static str,
    pub(super) dept: &'static str,
    pub(super) theme: &'static str,
    pub(super) kind: &'static str,
    pub(super) cycle: UpdateCycle,
    /// i: internal, d: broken down per dong, y: yearly editions
    flags: &'static str,
    pub(super) columns: &'static str,
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

pub(super) const TOPICS: &[Topic] = topics![
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
    pub(super) fn internal(&self) -> bool {
        self.flags.contains('i')
    }
    pub(super) fn per_dong(&self) -> bool {
        self.flags.contains('d')
    }
    pub(super) fn yearly(&self) -> bool {
        self.flags.contains('y')
    }
}
