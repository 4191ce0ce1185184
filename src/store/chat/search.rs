//! Full-text search over a person's own threads.

use crate::domain::chat::SearchHit;
use crate::store::{Actor, StoreResult};
use sqlx::PgPool;

/// Full-text search over the actor's own threads: titles and every item's text. Words match
/// as prefixes ("tast" finds "tasting"). At most 20 threads, most recent first.
pub async fn search(pool: &PgPool, actor: &Actor, query: &str) -> StoreResult<Vec<SearchHit>> {
    let Some(tsquery) = prefix_tsquery(query) else { return Ok(Vec::new()) };
    Ok(sqlx::query_as(
        "select t.id as thread_id, t.title,
                coalesce(ts_headline('english', m.content, q,
                    'MaxWords=20, MinWords=8, MaxFragments=1, StartSel=«, StopSel=», HighlightAll=false'), '') as snippet,
                t.last_activity_at
           from chat_threads t
          cross join to_tsquery('english', $3) q
           left join lateral (
                select i.content from chat_items i
                 where i.thread_id = t.id and i.search @@ q
                 order by ts_rank(i.search, q) desc, i.id desc limit 1
           ) m on true
          where t.owner_id = $1 and t.venue_id = $2
            and (to_tsvector('english', t.title) @@ q or m.content is not null)
          order by t.last_activity_at desc, t.id desc
          limit 20",
    )
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(tsquery)
    .fetch_all(pool)
    .await?)
}

/// `menu tast` → `menu:* & tast:*`; only letters and digits survive (no tsquery syntax from users).
fn prefix_tsquery(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(10)
        .map(|w| format!("{}:*", w.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" & "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_queries_are_sanitised() {
        assert_eq!(prefix_tsquery("Menu tast!").as_deref(), Some("menu:* & tast:*"));
        assert_eq!(prefix_tsquery("a & b | !c:*").as_deref(), Some("a:* & b:* & c:*"));
        assert_eq!(prefix_tsquery("  &|! "), None);
    }
}
