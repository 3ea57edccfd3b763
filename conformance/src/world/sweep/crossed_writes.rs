//! Bob's writes on Alice's path, or on her task under his own path: they
//! must change nothing of hers. Read back two ways: her task list, and what
//! the same path answers her when the document declares a GET there (a
//! write to her user, say), where no value Bob wrote may appear. Alice's
//! own write is the positive control, after Bob's.

use reqwest::Method;
use serde_json::Value;

use super::owners::{control_failed, success};
use super::send::Unsent;
use super::{ContractWorld, Log, id_of, name_of};
use crate::report::finding::Failure;
use crate::target::http::Received;
use crate::target::openapi::Operation;
use crate::world::answers::judgeable;
use crate::world::{Crossing, Owner};

/// Written strings shorter than this could be in any answer.
const DISTINCT: usize = 6;

impl ContractWorld {
    pub(super) async fn cross_write(
        &mut self,
        operation: &Operation,
        crossing: Crossing,
        log: &mut Log,
    ) -> Result<(), Box<Failure>> {
        let alice = self.alice().await?;
        let before = self.read_list(&alice).await?;
        let reader = self.reader_of(operation);
        let seen_before = self.alices_view(reader.as_ref()).await;
        let written = written_strings(self.control_body(operation).as_ref());
        let Some((crossed, status)) = self.bob_crosses(operation, crossing, log).await? else {
            return Ok(());
        };
        let name = name_of(operation);
        let expected = "nothing of Alice's changed by Bob's request";
        let after = self.read_list(&alice).await?;
        let seen_after = self.alices_view(reader.as_ref()).await;
        let shown = written
            .iter()
            .find(|value| seen_after.contains(*value) && !seen_before.contains(*value));
        if after != before {
            let actual = format!("{status}: Bob's {name} changed Alice's tasks: {after}");
            log.breach(crossed, expected, actual);
        } else if let Some(value) = shown {
            let actual = format!(
                "{status}: after Bob's {name}, Alice's own read of it shows {value:?}, which Bob wrote"
            );
            log.breach(crossed, expected, actual);
        } else if status >= 500 {
            log.breach(
                crossed,
                expected,
                format!("{status}: {name} failed on Bob's request"),
            );
        } else if (200..300).contains(&status) && self.carries_alices_data(&crossed) {
            let actual = format!("{status}: Bob's {name} answered with Alice's data");
            log.breach(crossed, expected, actual);
        } else {
            self.alices_control(operation, log).await?;
        }
        Ok(())
    }

    /// Alice's own write, after Bob's: the operation counts as exercised
    /// only when it succeeds. A DELETE may use up her task: she gets another.
    async fn alices_control(
        &mut self,
        operation: &Operation,
        log: &mut Log,
    ) -> Result<(), Box<Failure>> {
        let alice = self.alice().await?;
        let alices_task = self.alice_task.as_ref().map(id_of);
        match self
            .send_by(operation, &alice, &alice, alices_task.as_deref())
            .await
        {
            Ok(own) if success(&own).is_some() => log.exercised += 1,
            Ok(own) => log.skip(operation, control_failed(&own)),
            Err(Unsent(why)) => log.skip(operation, why),
        }
        if operation.method == Method::DELETE {
            self.give_task(Owner::Alice).await?;
        }
        Ok(())
    }

    /// The GET the document declares on the same path, if any.
    fn reader_of(&self, operation: &Operation) -> Option<Operation> {
        self.ctx.api.as_ref().and_then(|api| {
            api.operations
                .iter()
                .find(|op| op.method == Method::GET && op.path == operation.path)
                .cloned()
        })
    }

    /// What `reader` answers Alice on her path and task, as text; empty
    /// without a reader or a 2xx.
    async fn alices_view(&mut self, reader: Option<&Operation>) -> String {
        let Some(reader) = reader else {
            return String::new();
        };
        let Ok(alice) = self.alice().await else {
            return String::new();
        };
        let alices_task = self.alice_task.as_ref().map(id_of);
        match self
            .send_by(reader, &alice, &alice, alices_task.as_deref())
            .await
        {
            Ok(exchange) => judgeable(&exchange)
                .ok()
                .filter(|received| (200..300).contains(&received.status))
                .map(Received::text)
                .unwrap_or_default(),
            Err(_) => String::new(),
        }
    }
}

/// The string values of a body, long enough to be told apart.
fn written_strings(body: Option<&Value>) -> Vec<String> {
    fn collect(value: &Value, into: &mut Vec<String>) {
        match value {
            Value::String(text) if text.chars().count() >= DISTINCT => into.push(text.clone()),
            Value::Array(items) => items.iter().for_each(|item| collect(item, into)),
            Value::Object(fields) => fields.values().for_each(|field| collect(field, into)),
            _ => {}
        }
    }
    let mut strings = Vec::new();
    if let Some(body) = body {
        collect(body, &mut strings);
    }
    strings
}
