//! Request bodies for tasks and their validation.

use serde::{Deserialize, Deserializer};

use crate::error::AppError;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 1000;

#[derive(Deserialize)]
pub struct NewTask {
    title: String,
    #[serde(default)]
    description: Option<String>,
}

/// A PUT body. An absent `description` or `completed` keeps the stored value;
/// `"description": null` clears it.
#[derive(Deserialize)]
pub struct TaskUpdate {
    title: String,
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    #[serde(default)]
    completed: Option<bool>,
}

/// Validated fields, ready to store.
pub struct TaskFields {
    pub title: String,
    pub description: Option<String>,
}

pub struct ValidUpdate {
    pub title: String,
    pub description: Option<Option<String>>,
    pub completed: Option<bool>,
}

impl NewTask {
    pub fn validate(self) -> Result<TaskFields, AppError> {
        Ok(TaskFields {
            title: title(&self.title)?,
            description: description(self.description)?,
        })
    }
}

impl TaskUpdate {
    pub fn validate(self) -> Result<ValidUpdate, AppError> {
        Ok(ValidUpdate {
            title: title(&self.title)?,
            description: self.description.map(description).transpose()?,
            completed: self.completed,
        })
    }
}

/// Distinguishes a present `null` (`Some(None)`) from an absent field (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

fn title(raw: &str) -> Result<String, AppError> {
    let title = raw.trim();
    let chars = title.chars().count();
    if chars == 0 || chars > MAX_TITLE_CHARS {
        return Err(AppError::Unprocessable(format!(
            "title must be 1 to {MAX_TITLE_CHARS} characters after trimming"
        )));
    }
    no_nul("title", title)?;
    Ok(title.to_owned())
}

fn description(raw: Option<String>) -> Result<Option<String>, AppError> {
    if let Some(description) = &raw {
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(AppError::Unprocessable(format!(
                "description must be at most {MAX_DESCRIPTION_CHARS} characters"
            )));
        }
        no_nul("description", description)?;
    }
    Ok(raw)
}

/// Postgres text cannot hold NUL; refusing it here keeps it a 422, not a 500.
fn no_nul(field: &str, value: &str) -> Result<(), AppError> {
    if value.contains('\0') {
        return Err(AppError::Unprocessable(format!(
            "{field} must not contain NUL characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_task(json: &str) -> Result<TaskFields, AppError> {
        serde_json::from_str::<NewTask>(json).unwrap().validate()
    }

    #[test]
    fn titles_are_trimmed_and_bounded_in_characters() {
        assert_eq!(
            new_task(r#"{"title":"  Buy milk \n"}"#).unwrap().title,
            "Buy milk"
        );
        assert!(new_task(r#"{"title":"   "}"#).is_err());
        let max = "é".repeat(MAX_TITLE_CHARS);
        assert!(new_task(&format!(r#"{{"title":"{max}"}}"#)).is_ok());
        assert!(new_task(&format!(r#"{{"title":"{max}x"}}"#)).is_err());
        assert!(new_task(r#"{"title":"a\u0000b"}"#).is_err());
    }

    #[test]
    fn descriptions_are_optional_and_bounded() {
        assert_eq!(new_task(r#"{"title":"t"}"#).unwrap().description, None);
        assert_eq!(
            new_task(r#"{"title":"t","description":null}"#)
                .unwrap()
                .description,
            None
        );
        let max = "d".repeat(MAX_DESCRIPTION_CHARS);
        assert!(new_task(&format!(r#"{{"title":"t","description":"{max}"}}"#)).is_ok());
        assert!(new_task(&format!(r#"{{"title":"t","description":"{max}d"}}"#)).is_err());
    }

    #[test]
    fn updates_tell_null_from_absent() {
        let update = |json: &str| {
            serde_json::from_str::<TaskUpdate>(json)
                .unwrap()
                .validate()
                .unwrap()
        };
        assert_eq!(update(r#"{"title":"t"}"#).description, None);
        assert_eq!(
            update(r#"{"title":"t","description":null}"#).description,
            Some(None)
        );
        assert_eq!(
            update(r#"{"title":"t","description":"d","completed":true}"#).description,
            Some(Some("d".to_owned()))
        );
    }
}
