//! `/` for a visitor: what Concierge is, and the ways in (log in, sign up, an invitation).

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Landing() -> impl IntoView {
    view! {
        <Title text="Your venue's AI concierge" />
        <section class="mx-auto max-w-3xl py-8 text-center sm:py-14" aria-labelledby="landing-h">
            <p class="text-sm font-medium uppercase tracking-wide text-teal-700 dark:text-teal-400">"Concierge"</p>
            <h1 id="landing-h" class="mt-2 text-3xl font-semibold tracking-tight sm:text-4xl">
                "Your venue's team, clients and vendors, with agents that do the legwork"
            </h1>
            <p class="mx-auto mt-4 max-w-2xl text-stone-600 dark:text-stone-400">
                "Plan and run events in one place. Ask in plain words: agents answer from your venue's own data and documents, book appointments, fill in forms and update the plan, and a person approves anything that matters. It runs on your own server, offline if you like."
            </p>
            <div class="mt-8 flex flex-wrap items-center justify-center gap-3">
                <a href="/login" class="btn-primary">"Log in"</a>
                <a href="/signup" class="btn-secondary">"Create a venue account"</a>
            </div>
            <p class="mt-4 text-sm text-stone-500 dark:text-stone-400">
                "Invited by a venue as a client or vendor? Open the link in your invitation email."
            </p>
        </section>
        <section aria-label="What it does" class="mx-auto grid max-w-5xl grid-cols-1 gap-4 pb-8 sm:grid-cols-2 lg:grid-cols-4">
            <Feature title="Agents that act" text="Guests, RSVPs, tasks and messages, changed by asking; every action shown, the risky ones approved by staff." />
            <Feature title="Scheduling" text="Tours and tastings booked into open slots, with reminders and calendar feeds for the team." />
            <Feature title="Your knowledge" text="Upload menus, contracts and policies; answers quote them, and each client sees only what is theirs." />
            <Feature title="Yours to run" text="One process on your own server and database, with an embedded model that needs no cloud account." />
        </section>
    }
}

#[component]
fn Feature(title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <div class="card">
            <h2 class="font-semibold">{title}</h2>
            <p class="mt-1 text-sm text-stone-600 dark:text-stone-400">{text}</p>
        </div>
    }
}
