//! Verbs of object-level authorization in depth (OWASP API1): ownership in
//! the body, and guessed ids.

use reqwest::Method;
use serde_json::{Value, json};

use super::answers::{answer, judgeable, shown};
use super::{ContractWorld, Outcome, id_of};
use crate::contract::{Route, id_text};
use crate::report::finding::Check;
use crate::target::http::Exchange;

/// The title of the mass-assignment probes.
const PROBE_TITLE: &str = "mass assignment probe";

impl ContractWorld {
    /// Alice creates a task whose body claims Bob as its owner.
    pub async fn alice_creates_naming_bob(&mut self) -> Outcome {
        let bob = self.bob().await?;
        let body = json!({"title": PROBE_TITLE, "user_id": bob.id, "owner_id": bob.id});
        self.alice_creates(body).await
    }

    /// Alice updates her task with a body that claims Bob as its owner.
    pub async fn alice_updates_naming_bob(&mut self) -> Outcome {
        let bob = self.bob().await?;
        let body = json!({"title": PROBE_TITLE, "user_id": bob.id, "owner_id": bob.id});
        self.alice_on_subject(Route::Update, Some(body)).await
    }

    /// Whatever the target answered, the task is still Alice's: a `user_id`
    /// in the answer is hers, she can read it, and Bob's list lacks it.
    pub async fn expect_task_stays_alices(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let bob = self.bob().await?;
        let received = self.received()?.clone();
        let answered_owner = received
            .json()
            .filter(|_| (200..300).contains(&received.status))
            .and_then(|task| task.get("user_id").cloned());
        // Compared as text: a target may number its users.
        if let Some(owner) =
            answered_owner.filter(|owner| id_text(owner).as_deref() != Some(&alice.id))
        {
            return Err(self.failure(
                format!("the task to stay Alice's ({})", alice.id),
                format!("the answer says user_id {owner}"),
            ));
        }
        let bobs = self.read_list(&bob).await?;
        let leaked = bobs.as_array().into_iter().flatten().any(|task| {
            task.get("title").and_then(Value::as_str) == Some(PROBE_TITLE)
                || self
                    .subject
                    .as_ref()
                    .is_some_and(|subject| id_of(subject) == id_of(task))
        });
        if leaked {
            return Err(self.failure(
                "nothing of Alice's in Bob's list",
                format!("Bob's list is {bobs}"),
            ));
        }
        if self.subject.is_some() {
            self.alice_on_subject(Route::Get, None).await?;
            self.expect_success(Route::Get)?;
        }
        Ok(())
    }

    /// The last answer (Bob's, about Alice's task) has the status and body
    /// of the same request about a task that exists nowhere, the id itself
    /// masked in both: so it tells Bob nothing about Alice's task. The
    /// missing task's id has the type of the target's own ids. Two answers
    /// are compared, never a reset or a redirect: what these differ in is
    /// the transport, not what the target tells Bob.
    pub async fn expect_same_as_missing(&mut self, route: Route) -> Outcome {
        let bob = self.bob().await?;
        let id = id_of(self.alice_task()?);
        let control = control_id(&id);
        let probe = self.last.clone().ok_or_else(|| {
            self.failure_about(None, "a request in an earlier step", "none was sent")
        })?;
        let missing = if let Some(missing) = self.resend_for(&probe, &id, &control).await {
            missing
        } else {
            let (method, path, body) = self.ctx.profile.request(route, &bob.id, &control);
            self.fetch(method, &path, Some(&bob.token), body.as_ref())
                .await
        };
        for exchange in [&probe, &missing] {
            self.judged(exchange)?;
        }
        let (seen, expected) = (answer(&probe, &id), answer(&missing, &control));
        if seen == expected {
            Ok(())
        } else {
            Err(self.failure(
                format!(
                    "the answer for a task that does not exist (id {control}): {}",
                    shown(expected.as_ref())
                ),
                format!(
                    "{}: the target tells Bob that Alice's task exists",
                    shown(seen.as_ref())
                ),
            ))
        }
    }

    /// Like `expect_status`, but a 403 without task data where 404 is due
    /// is told apart by asking the same for a task that does not exist: a
    /// 403 either way is a contract deviation, a 403 for the existing task
    /// alone an existence oracle. Both expose no data.
    pub async fn expect_status_probed(&self, expected: u16) -> Outcome {
        let status = self.received()?.status;
        if (expected, status) != (404, 403) || self.expect_no_task_data().is_err() {
            return self.expect_status(expected);
        }
        let missing = match (self.alice_task.as_ref().map(id_of), self.last.as_ref()) {
            (Some(id), Some(exchange)) => {
                let control = control_id(&id);
                self.resend_for(exchange, &id, &control)
                    .await
                    .map(|missing| judgeable(&missing).map(|received| received.status))
            }
            _ => None,
        };
        let whose = if self.names_alices_path() {
            "another user's path"
        } else {
            "another user's task"
        };
        let actual = match missing {
            Some(Ok(403)) => format!(
                "403 for {whose}, existing task or not: a contract deviation, not an existence oracle"
            ),
            Some(Ok(other)) => format!(
                "403 for Alice's existing task, {other} for a missing one: an existence oracle, which tells the caller which task ids exist"
            ),
            Some(Err(what)) => format!(
                "403 for {whose}; whether a missing task gets the same is not known: {what}"
            ),
            None => format!("403 for {whose}, without task data"),
        };
        self.deviate(
            self.failure("404, the answer for a task that does not exist", actual)
                .by(Check::Status(vec![expected])),
        );
        Ok(())
    }

    /// Whether the last request went to Alice's path (as the task routes
    /// name their user), not the caller's own.
    fn names_alices_path(&self) -> bool {
        let (Some(alice), Some(exchange)) = (self.alice.as_ref(), self.last.as_ref()) else {
            return false;
        };
        self.ctx.profile.user_in_path()
            && exchange
                .request
                .url
                .contains(&format!("{}/", self.tasks_path(alice)))
    }

    /// `exchange`'s request again, with the task id `id` in its path
    /// swapped for `control`: the same caller asking about another task.
    /// `None` when the path does not name `id`.
    async fn resend_for(&self, exchange: &Exchange, id: &str, control: &str) -> Option<Exchange> {
        let segment = |task_id: &str| {
            let path = self.ctx.profile.task_path("user", task_id);
            path.rsplit('/').next().map(str::to_owned)
        };
        let (from, to) = (segment(id)?, segment(control)?);
        let sent = &exchange.request;
        let target = sent.url.strip_prefix(self.ctx.client.base_url())?;
        let (path, query) = target
            .split_once('?')
            .map_or((target, None), |(path, query)| (path, Some(query)));
        if !path.split('/').any(|part| part == from) {
            return None;
        }
        let mut swapped = path
            .split('/')
            .map(|part| if part == from { to.as_str() } else { part })
            .collect::<Vec<_>>()
            .join("/");
        if let Some(query) = query {
            swapped = format!("{swapped}?{query}");
        }
        // The client adds the body's content type itself.
        let headers: Vec<_> = sent
            .headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("content-type"))
            .cloned()
            .collect();
        let body = sent
            .body
            .as_deref()
            .and_then(|text| serde_json::from_str::<Value>(text).ok());
        Some(
            self.ctx
                .client
                .send(sent.method.clone(), &swapped, &headers, body.as_ref())
                .await,
        )
    }

    /// Reads ids next to Alice's task id, with her own token.
    pub async fn probe_neighbours(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let id = id_of(self.alice_task()?);
        for neighbour in neighbours(&id) {
            let path = self.ctx.profile.task_path(&alice.id, &neighbour);
            let exchange = self
                .fetch(Method::GET, &path, Some(&alice.token), None)
                .await;
            self.probes.push((neighbour, exchange));
        }
        Ok(())
    }

    /// Every guessed id is answered 404; judged only when every guess got
    /// an answer.
    pub fn expect_probes_not_found(&self) -> Outcome {
        for (id, exchange) in &self.probes {
            let Ok(received) = judgeable(exchange) else {
                continue;
            };
            if received.status != 404 {
                return Err(self
                    .failure_about(
                        Some(exchange.clone()),
                        format!("404 for the guessed id {id}"),
                        received.status.to_string(),
                    )
                    .by(Check::Status(vec![404])));
            }
        }
        self.every_probe_judged()
    }
}

/// An id of the same type as the target's `known` one that no task has: a
/// large unused integer, a random UUID, or a random string of the same
/// shape. A control of another type would be refused as malformed (a 422
/// for a UUID where integers are due), which is no answer about existence.
fn control_id(known: &str) -> String {
    let random = uuid::Uuid::new_v4();
    if let Ok(number) = known.parse::<u64>() {
        let salt = u64::from(random.as_fields().0) % 100_000_000;
        // Below 2^31 when the target's ids are, for 32-bit id columns.
        return if number < 1_000_000_000 {
            2_000_000_000 + salt
        } else {
            number.saturating_add(1_000_000_000 + salt)
        }
        .to_string();
    }
    if uuid::Uuid::parse_str(known).is_ok() {
        return random.to_string();
    }
    let hex = known
        .chars()
        .all(|c| !c.is_ascii_alphanumeric() || c.is_ascii_hexdigit());
    let mut bytes = std::iter::repeat_with(uuid::Uuid::new_v4).flat_map(uuid::Uuid::into_bytes);
    let mut pick = |alphabet: &[u8]| {
        let byte = bytes.next().unwrap_or_default();
        char::from(alphabet[usize::from(byte) % alphabet.len()])
    };
    known
        .chars()
        .map(|c| match c {
            '0'..='9' | 'a'..='f' if hex => pick(b"0123456789abcdef"),
            'A'..='F' if hex => pick(b"0123456789ABCDEF"),
            '0'..='9' => pick(b"0123456789"),
            'a'..='z' => pick(b"abcdefghijklmnopqrstuvwxyz"),
            'A'..='Z' => pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            other => other,
        })
        .collect()
}

/// Ids an attacker would try next to `id`: ±1 for numbers, the last hex
/// digits changed for UUIDs and other hex ids.
fn neighbours(id: &str) -> Vec<String> {
    if let Ok(number) = id.parse::<u64>() {
        return [
            number.checked_sub(1),
            number.checked_add(1),
            number.checked_add(2),
        ]
        .into_iter()
        .flatten()
        .map(|n| n.to_string())
        .collect();
    }
    let Some(last) = id.chars().last().filter(char::is_ascii_hexdigit) else {
        return vec![format!("{id}0"), format!("{id}1")];
    };
    let stem = &id[..id.len() - 1];
    "0123456789abcdef"
        .chars()
        .filter(|digit| !digit.eq_ignore_ascii_case(&last))
        .take(3)
        .map(|digit| format!("{stem}{digit}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{control_id, neighbours};

    #[test]
    fn neighbours_of_numbers_uuids_and_others() {
        assert_eq!(neighbours("7"), ["6", "8", "9"]);
        assert_eq!(neighbours("0"), ["1", "2"]);
        assert_eq!(
            neighbours("d77b72e8-9d79-451f-a9f8-1c0d020a0ca7"),
            [
                "d77b72e8-9d79-451f-a9f8-1c0d020a0ca0",
                "d77b72e8-9d79-451f-a9f8-1c0d020a0ca1",
                "d77b72e8-9d79-451f-a9f8-1c0d020a0ca2"
            ]
        );
        assert_eq!(neighbours("task-x"), ["task-x0", "task-x1"]);
    }

    #[test]
    fn the_control_id_has_the_targets_id_type() {
        let control: u64 = control_id("7").parse().unwrap();
        assert!((2_000_000_000..2_147_483_647).contains(&control));
        let big: u64 = control_id("1700000000000000000").parse().unwrap();
        assert!(big > 1_700_000_000_000_000_000);
        let uuid = "d77b72e8-9d79-451f-a9f8-1c0d020a0ca7";
        let control = control_id(uuid);
        assert!(uuid::Uuid::parse_str(&control).is_ok() && control != uuid);
        let hex = control_id("65f1c0ffee0123456789abcd");
        assert_eq!(hex.len(), 24);
        assert!(
            hex.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        let slug = control_id("task_Ab9-x");
        assert_eq!(slug.len(), 10);
        assert_eq!(&slug[4..5], "_");
        assert_eq!(&slug[8..9], "-");
        assert!(slug[5..6].chars().all(|c| c.is_ascii_uppercase()));
    }
}
