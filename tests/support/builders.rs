//! Builders for the data a test needs, so that a test names what it depends on instead of
//! picking rows out of the demo catalog:
//!
//! ```ignore
//! let parks = DatasetBuilder::new(&app).department("parks").public().create().await;
//! let editor = UserBuilder::new(&app).editor().department("transport").create().await;
//! let client = editor.login(&app).await;
//! let steward = UserBuilder::new(&app).steward().department("parks").login().await;
//! ```
//!
//! Datasets are registered the way imports and harvests register them
//! ([`domain::services::datasets::create`]: the row, its department and update-cycle terms,
//! distributions, columns and first revision) and then indexed, so searches, pages and both
//! APIs see them at once. Every name a builder makes up is unique within the test's database.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use chrono::Utc;
use domain::entities::{dataset, department, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use types::editing::DatasetPatch;
use types::model::{DataColumn, Distribution, Role};

use crate::TestApp;

/// A number no other builder call of this process has had (names stay unique).
fn next() -> usize {
    static N: AtomicUsize = AtomicUsize::new(1);
    N.fetch_add(1, Ordering::Relaxed)
}

/// The id of the department with this code; panics naming it when there is none.
pub async fn department_id(app: &TestApp, code: &str) -> i32 {
    department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no department '{code}' (create it with DepartmentBuilder)"))
        .id
}

/// A department: `DepartmentBuilder::new(&app).code("harbour").create().await`.
pub struct DepartmentBuilder<'a> {
    app: &'a TestApp,
    code: String,
    name_ko: Option<String>,
    name_en: Option<String>,
}

impl<'a> DepartmentBuilder<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        DepartmentBuilder {
            app,
            code: format!("test-dept-{}", next()),
            name_ko: None,
            name_en: None,
        }
    }

    pub fn code(mut self, code: &str) -> Self {
        self.code = code.to_string();
        self
    }

    pub fn names(mut self, ko: &str, en: &str) -> Self {
        self.name_ko = Some(ko.to_string());
        self.name_en = Some(en.to_string());
        self
    }

    pub async fn create(self) -> department::Model {
        department::ActiveModel {
            name_ko: Set(self
                .name_ko
                .unwrap_or_else(|| format!("시험부서 {}", self.code))),
            name_en: Set(self
                .name_en
                .unwrap_or_else(|| format!("Test department {}", self.code))),
            code: Set(self.code),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&self.app.db)
        .await
        .expect("department inserted")
    }
}

/// A dataset, published and internal unless told otherwise (as the domain's own default
/// visibility), in the `parks` department unless told otherwise.
pub struct DatasetBuilder<'a> {
    app: &'a TestApp,
    slug: String,
    department: String,
    author: Option<i32>,
    patch: DatasetPatch,
}

impl<'a> DatasetBuilder<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        let n = next();
        DatasetBuilder {
            app,
            slug: format!("test-dataset-{n}"),
            department: "parks".into(),
            author: None,
            patch: DatasetPatch {
                title_ko: Some(format!("시험 데이터 {n}")),
                title_en: Some(format!("Test dataset {n}")),
                description_ko: Some("시험용 데이터셋입니다.".into()),
                description_en: Some("A dataset made for a test.".into()),
                source_institution: Some("성동구".into()),
                update_cycle: Some("yearly".into()),
                visibility: Some("internal".into()),
                status: Some("published".into()),
                ..Default::default()
            },
        }
    }

    pub fn slug(mut self, slug: &str) -> Self {
        self.slug = slug.to_string();
        self
    }

    /// The owning department, by code.
    pub fn department(mut self, code: &str) -> Self {
        self.department = code.to_string();
        self
    }

    pub fn title(mut self, ko: &str, en: &str) -> Self {
        self.patch.title_ko = Some(ko.to_string());
        self.patch.title_en = Some(en.to_string());
        self
    }

    pub fn description(mut self, ko: &str, en: &str) -> Self {
        self.patch.description_ko = Some(ko.to_string());
        self.patch.description_en = Some(en.to_string());
        self
    }

    pub fn keywords(mut self, words: &[&str]) -> Self {
        self.patch.keywords = Some(words.iter().map(|w| w.to_string()).collect());
        self
    }

    /// Classification terms as `scheme:code` (`theme:environment`, `dong:majang`).
    pub fn terms(mut self, terms: &[&str]) -> Self {
        self.patch.terms = Some(terms.iter().map(|t| t.to_string()).collect());
        self
    }

    pub fn license(mut self, license: &str) -> Self {
        self.patch.license = Some(license.to_string());
        self
    }

    pub fn update_cycle(mut self, code: &str) -> Self {
        self.patch.update_cycle = Some(code.to_string());
        self
    }

    /// When the data was last refreshed, `YYYY-MM-DD`.
    pub fn last_updated(mut self, date: &str) -> Self {
        self.patch.last_updated = Some(date.to_string());
        self
    }

    pub fn contact(mut self, name: &str, phone: &str, email: &str) -> Self {
        self.patch.contact_name = Some(name.to_string());
        self.patch.contact_phone = Some(phone.to_string());
        self.patch.contact_email = Some(email.to_string());
        self
    }

    pub fn public(mut self) -> Self {
        self.patch.visibility = Some("public".into());
        self
    }

    pub fn internal(mut self) -> Self {
        self.patch.visibility = Some("internal".into());
        self
    }

    pub fn draft(mut self) -> Self {
        self.patch.status = Some("draft".into());
        self
    }

    pub fn archived(mut self) -> Self {
        self.patch.status = Some("archived".into());
        self
    }

    /// A downloadable file (`kind` file) in `format` at `url`.
    pub fn file(mut self, format: &str, url: &str) -> Self {
        let n = self.patch.distributions.get_or_insert_with(Vec::new);
        n.push(Distribution {
            title: format!(
                "{} ({format})",
                self.patch.title_ko.as_deref().unwrap_or("")
            ),
            kind: "file".into(),
            format: format.to_string(),
            url: url.to_string(),
            size_bytes: Some(1024),
        });
        self
    }

    /// A column of the data dictionary.
    pub fn column(mut self, name: &str, data_type: &str) -> Self {
        self.patch
            .columns
            .get_or_insert_with(Vec::new)
            .push(DataColumn {
                name: name.to_string(),
                data_type: data_type.to_string(),
                description: None,
                unit: None,
            });
        self
    }

    /// The user recorded as the first revision's author (default: the department's first
    /// steward, or else the first administrator).
    pub fn author(mut self, user: &user::Model) -> Self {
        self.author = Some(user.id);
        self
    }

    pub async fn create(self) -> dataset::Model {
        let db = &self.app.db;
        let department_id = department_id(self.app, &self.department).await;
        let author = match self.author {
            Some(id) => id,
            None => default_author(self.app, department_id).await,
        };
        let txn = domain::db::begin_write(db).await.unwrap();
        let d = domain::services::datasets::create::create(
            &txn,
            domain::services::datasets::create::NewDataset {
                slug: &self.slug,
                department_id,
                patch: &self.patch,
                author_id: author,
                message: "made by a test",
                harvested: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("dataset {} created: {e:?}", self.slug));
        txn.commit().await.unwrap();
        self.app
            .services
            .search
            .refresh(db, &[d.id])
            .await
            .expect("dataset indexed");
        d
    }
}

/// The department's first steward, or else the first administrator.
async fn default_author(app: &TestApp, department_id: i32) -> i32 {
    let steward = user::Entity::find()
        .filter(user::Column::DepartmentId.eq(department_id))
        .filter(user::Column::Role.eq("steward"))
        .order_by_asc(user::Column::Id)
        .one(&app.db)
        .await
        .unwrap();
    let admin = || async {
        user::Entity::find()
            .filter(user::Column::Role.eq("admin"))
            .order_by_asc(user::Column::Id)
            .one(&app.db)
            .await
            .unwrap()
    };
    match steward {
        Some(u) => u.id,
        None => {
            admin()
                .await
                .expect("an author for the dataset (create a user with UserBuilder first)")
                .id
        }
    }
}

/// The password of every user a [`UserBuilder`] makes, unless told otherwise.
pub const TEST_PASSWORD: &str = "test-password-1";

/// A user: `UserBuilder::new(&app).steward().department("parks").create().await`; a viewer
/// without a department unless told otherwise.
pub struct UserBuilder<'a> {
    app: &'a TestApp,
    username: String,
    role: Role,
    department: Option<String>,
    active: bool,
}

impl<'a> UserBuilder<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        UserBuilder {
            app,
            username: format!("test-user-{}", next()),
            role: Role::Viewer,
            department: None,
            active: true,
        }
    }

    pub fn username(mut self, username: &str) -> Self {
        self.username = username.to_string();
        self
    }

    pub fn role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    pub fn admin(self) -> Self {
        self.role(Role::Admin)
    }

    pub fn steward(self) -> Self {
        self.role(Role::Steward)
    }

    pub fn editor(self) -> Self {
        self.role(Role::Editor)
    }

    pub fn viewer(self) -> Self {
        self.role(Role::Viewer)
    }

    /// The user's department, by code.
    pub fn department(mut self, code: &str) -> Self {
        self.department = Some(code.to_string());
        self
    }

    /// A deactivated account (it cannot sign in).
    pub fn inactive(mut self) -> Self {
        self.active = false;
        self
    }

    pub async fn create(self) -> TestUser {
        let department_id = match &self.department {
            Some(code) => Some(department_id(self.app, code).await),
            None => None,
        };
        let model = user::ActiveModel {
            display_name: Set(format!("시험 사용자 {}", self.username)),
            username: Set(self.username),
            password_hash: Set(password_hash().to_string()),
            role: Set(self.role.code().to_string()),
            department_id: Set(department_id),
            active: Set(self.active),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&self.app.db)
        .await
        .expect("user inserted");
        TestUser { model }
    }

    /// Create the user and sign in: a client holding their session.
    pub async fn login(self) -> reqwest::Client {
        let app = self.app;
        self.create().await.login(app).await
    }
}

/// [`TEST_PASSWORD`], hashed once (argon2 is slow on purpose).
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        domain::services::auth::hash_password(TEST_PASSWORD).expect("password hashed")
    })
}

/// A user made by a [`UserBuilder`]; signs in with [`TEST_PASSWORD`].
pub struct TestUser {
    pub model: user::Model,
}

impl TestUser {
    pub fn username(&self) -> &str {
        &self.model.username
    }

    pub fn id(&self) -> i32 {
        self.model.id
    }

    /// A client signed in as this user (through the real login server function).
    pub async fn login(&self, app: &TestApp) -> reqwest::Client {
        let (client, status) = app.login(self.username(), TEST_PASSWORD).await;
        assert!(
            status.is_success(),
            "{} signs in: {status}",
            self.username()
        );
        client
    }
}
