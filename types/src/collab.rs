//! Working together on the catalog: comments, revisions, proposals, notifications and activity,
//! as the API and the UI see them (the server fills them in).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::i18n::Lang;
use crate::model::coded_enum;
use crate::t;

/// A dataset named in a list (proposal, notification, activity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetRef {
    pub id: i32,
    pub slug: String,
    pub title_ko: String,
    pub title_en: String,
}

impl DatasetRef {
    pub fn title(&self, lang: Lang) -> &str {
        lang.pick(&self.title_ko, &self.title_en)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentInfo {
    pub id: i32,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Plain text: clients show it escaped.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionInfo {
    pub version: i32,
    pub author: Option<String>,
    /// When the revision applied a proposal: who proposed it (credited with the author).
    pub proposer: Option<String>,
    pub proposal_id: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub message: String,
    /// `{ field: { "from": old, "to": new } }`
    pub diff: Value,
}

coded_enum!(
    ProposalStatus {
        Open = "open", proposal_status.open;
        Accepted = "accepted", proposal_status.accepted;
        Rejected = "rejected", proposal_status.rejected;
        Withdrawn = "withdrawn", proposal_status.withdrawn;
    }
);

/// One field of a change against the dataset as it is now: the value the change was based on
/// (`base`), the value now (`current`, "theirs") and the value the change wants (`proposed`,
/// "mine"). A conflict: the field changed since `base` and to something else than `proposed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    pub base: Value,
    pub current: Value,
    pub proposed: Value,
    pub conflict: bool,
}

/// Where a change stands against the current version (a proposal, or an edit that lost a race).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rebase {
    pub base_version: i32,
    pub current_version: i32,
    pub fields: Vec<FieldChange>,
}

impl Rebase {
    pub fn conflicts(&self) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|f| f.conflict)
            .map(|f| f.field.as_str())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalInfo {
    pub id: i32,
    pub dataset: DatasetRef,
    pub department_id: i32,
    pub proposer: Option<String>,
    pub proposer_department: Option<String>,
    pub base_version: i32,
    /// The proposed values, field by field (a `DatasetPatch` as JSON, without the message).
    pub patch: Value,
    pub message: String,
    pub status: ProposalStatus,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The dataset version that applied it (accepted proposals).
    pub applied_version: Option<i32>,
    pub created_at: DateTime<Utc>,
    /// For open proposals: the change against the current version, conflicts marked.
    pub rebase: Option<Rebase>,
    /// Whether the reader may accept or reject it.
    pub can_review: bool,
}

coded_enum!(
    /// `Overdue` is computed, not stored: a dataset of the reader's department is past its
    /// update date.
    NotificationKind {
        ProposalReceived = "proposal_received", notification_kind.proposal_received;
        ProposalAccepted = "proposal_accepted", notification_kind.proposal_accepted;
        ProposalRejected = "proposal_rejected", notification_kind.proposal_rejected;
        Comment = "comment", notification_kind.comment;
        Overdue = "overdue", notification_kind.overdue;
        Feedback = "feedback", notification_kind.feedback;
    }
);

impl NotificationKind {
    /// The sentence shown for it: "{actor} …" about the dataset.
    pub fn text(self, lang: Lang, actor: &str) -> String {
        match self {
            NotificationKind::ProposalReceived => {
                t!(lang, notification_text.proposal_received, actor).to_string()
            }
            NotificationKind::ProposalAccepted => {
                t!(lang, notification_text.proposal_accepted, actor).to_string()
            }
            NotificationKind::ProposalRejected => {
                t!(lang, notification_text.proposal_rejected, actor).to_string()
            }
            NotificationKind::Comment => t!(lang, notification_text.comment, actor).to_string(),
            NotificationKind::Overdue => t!(lang, notification_text.overdue).to_string(),
            NotificationKind::Feedback => t!(lang, notification_text.feedback).to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationInfo {
    /// 0 for computed notices (overdue datasets), which cannot be marked read.
    pub id: i32,
    pub kind: NotificationKind,
    pub dataset: Option<DatasetRef>,
    pub actor: Option<String>,
    pub proposal_id: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notifications {
    pub unread: u64,
    pub items: Vec<NotificationInfo>,
}

coded_enum!(
    ActivityKind {
        Revision = "revision", activity_kind.revision;
        Comment = "comment", activity_kind.comment;
        ProposalOpened = "proposal_opened", activity_kind.proposal_opened;
        ProposalAccepted = "proposal_accepted", activity_kind.proposal_accepted;
        ProposalRejected = "proposal_rejected", activity_kind.proposal_rejected;
    }
);

/// One event in a feed (per dataset, department or user), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityItem {
    pub kind: ActivityKind,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub dataset: DatasetRef,
    /// The revision's version, the proposal's id, or the comment's id.
    pub reference: i32,
    /// The revision message, the comment (first 200 characters) or the proposal's message.
    pub text: String,
}

/// Which feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedScope {
    Dataset(String),
    Department(String),
    /// The reader's own department (nothing for users without one).
    MyDepartment,
    /// The signed-in user's own actions.
    Me,
}

/// Someone with a dataset open (live presence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Present {
    pub user_id: i32,
    pub name: String,
    /// On the edit page (else reading).
    pub editing: bool,
}

/// What the live stream of a dataset (`/api/v1/datasets/{id}/live`, Server-Sent Events) says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// Everyone who has the dataset open now (one entry per person).
    Presence {
        dataset_id: i32,
        people: Vec<Present>,
    },
    /// A change was saved: the dataset is now at `version`.
    Changed {
        dataset_id: i32,
        version: i32,
        by_id: i32,
        by: String,
    },
}

impl LiveMessage {
    pub fn dataset_id(&self) -> i32 {
        match self {
            LiveMessage::Presence { dataset_id, .. } | LiveMessage::Changed { dataset_id, .. } => {
                *dataset_id
            }
        }
    }

    /// The SSE event name.
    pub fn event(&self) -> &'static str {
        match self {
            LiveMessage::Presence { .. } => "presence",
            LiveMessage::Changed { .. } => "changed",
        }
    }
}

/// Which proposals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposalScope {
    /// Open proposals the reader may decide (stewards: their department's; admins: all).
    Review,
    /// The reader's own proposals, every status.
    Mine,
    /// Every proposal on one dataset.
    Dataset(String),
}

impl ProposalScope {
    pub fn parse(s: &str) -> Option<ProposalScope> {
        match s {
            "review" => Some(ProposalScope::Review),
            "mine" => Some(ProposalScope::Mine),
            _ => None,
        }
    }
}

/// The edit page's data: the dataset, and whether the reader edits it or proposes changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditContext {
    pub detail: crate::model::DatasetDetail,
    /// `false`: the reader may not edit it directly, so saving submits a proposal.
    pub direct: bool,
    /// Whether the reader may change the status (publish, archive).
    pub can_publish: bool,
    pub me: i32,
    /// The terms offered for classification.
    pub vocabulary: Vec<SchemeTerms>,
}

/// A classification scheme with its terms, for the edit form's pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeTerms {
    pub scheme: crate::model::SchemeInfo,
    pub terms: Vec<crate::model::TermRef>,
}
