//! The fair queue in front of the model: requests wait per user and the worker takes users in
//! turn, so one person sending ten messages does not hold up everyone else.

use super::Generation;
use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex};

/// Requests per user, served round-robin.
#[derive(Default)]
pub(super) struct FairQueue {
    state: Mutex<QueueState>,
    ready: Condvar,
}

#[derive(Default)]
struct QueueState {
    per_user: HashMap<String, VecDeque<Generation>>,
    turns: VecDeque<String>,
}

impl FairQueue {
    pub(super) fn push(&self, job: Generation) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let user = job.user_key.clone();
        let queue = s.per_user.entry(user.clone()).or_default();
        let was_empty = queue.is_empty();
        queue.push_back(job);
        metrics::gauge!("concierge_embedded_queue").increment(1.0);
        if was_empty {
            s.turns.push_back(user);
        }
        self.ready.notify_one();
    }

    pub(super) fn pop(&self) -> Generation {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(user) = s.turns.pop_front() {
                let queue = s.per_user.get_mut(&user).expect("a user in turn has a queue");
                let job = queue.pop_front().expect("a user in turn has a job");
                metrics::gauge!("concierge_embedded_queue").decrement(1.0);
                if queue.is_empty() {
                    s.per_user.remove(&user);
                } else {
                    s.turns.push_back(user);
                }
                return job;
            }
            s = self.ready.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc;

    #[test]
    fn fair_queue_takes_users_in_turn() {
        let q = FairQueue::default();
        let job = |user: &str, n: u32| Generation {
            tool_choice: crate::llm::ToolChoice::Auto,
            user_key: user.into(),
            cache_key: None,
            messages: vec![],
            max_tokens: n,
            temperature: 0.0,
            tools: Vec::new(),
            schema: None,
            tx: mpsc::channel(1).0,
        };
        q.push(job("a", 1));
        q.push(job("a", 2));
        q.push(job("a", 3));
        q.push(job("b", 10));
        q.push(job("c", 20));
        let order: Vec<u32> = (0..5).map(|_| q.pop().max_tokens).collect();
        assert_eq!(order, vec![1, 10, 20, 2, 3]);
    }
}
