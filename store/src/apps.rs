//! Applications that sign people in with Roster (OpenID Connect clients).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{AppKind, AppSettings, AppStatus};

use crate::{Result, records::Actor};

/// An application as registered. The secret is only ever held hashed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AppRecord {
    pub id: i64,
    pub client_id: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: AppKind,
    pub secret_hash: Option<String>,
    #[sqlx(try_from = "String")]
    pub redirect_uris: UriList,
    #[sqlx(try_from = "String")]
    pub post_logout_redirect_uris: UriList,
    pub backchannel_logout_uri: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: AppStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// People signed in to it now (live grants).
    pub signed_in: i64,
}

impl AppRecord {
    pub fn is_active(&self) -> bool {
        self.status == AppStatus::Active
    }
}

/// URIs kept as a JSON array, compared exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UriList(pub Vec<String>);

impl UriList {
    pub fn contains(&self, uri: &str) -> bool {
        self.0.iter().any(|registered| registered == uri)
    }

    pub(crate) fn to_json(uris: &[String]) -> String {
        serde_json::Value::from(uris.to_vec()).to_string()
    }
}

impl TryFrom<String> for UriList {
    type Error = serde_json::Error;
    fn try_from(value: String) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&value).map(Self)
    }
}

pub struct NewApp {
    pub client_id: String,
    pub kind: AppKind,
    /// `Some` exactly for confidential apps.
    pub secret_hash: Option<String>,
    pub settings: AppSettings,
}

#[async_trait]
pub trait AppStore: Send + Sync {
    async fn create_app(&self, app: NewApp, by: Actor, at: DateTime<Utc>) -> Result<AppRecord>;

    /// Every application, by name.
    async fn list_apps(&self) -> Result<Vec<AppRecord>>;

    async fn find_app(&self, id: i64) -> Result<Option<AppRecord>>;

    async fn find_app_by_client_id(&self, client_id: &str) -> Result<Option<AppRecord>>;

    async fn update_app(&self, id: i64, settings: &AppSettings, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// Replaces a confidential app's secret: the old one stops working at once.
    async fn replace_app_secret(
        &self,
        id: i64,
        secret_hash: &str,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Disables or enables an app. Disabling ends everyone's sessions in it
    /// (their grants are revoked, and the app is told).
    async fn set_app_status(&self, id: i64, status: AppStatus, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// Deletes an app with its grants and whatever it was owed.
    async fn delete_app(&self, id: i64, by: Actor, at: DateTime<Utc>) -> Result<()>;
}
