//! What the organization server functions (`api/organizations.rs`) share
//! with the list of all accounts.

use crate::{AppError, api::MAX_SEARCH_CHARS};

/// Longer search text is refused rather than sent to the database.
pub fn check_search(search: &str) -> Result<(), AppError> {
    if search.chars().count() > MAX_SEARCH_CHARS {
        return Err(AppError::invalid("q", format!("Search for at most {MAX_SEARCH_CHARS} characters.")));
    }
    Ok(())
}
