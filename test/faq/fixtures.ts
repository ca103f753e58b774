import { LONG_TEXT } from './helpers.js';

/** A post with a proper FAQ section: questions as `###` headings and as bold-only lines. */
export const FAQ_POST = `---
title: Ketamine therapy questions answered
description: Answers to the questions patients ask most often about ketamine therapy and its effects.
author: Dr. Jane Roe
date: 2024-05-01
---

Ketamine therapy raises many questions.

## Frequently Asked Questions

Here are the questions we hear most.

### How quickly does ketamine therapy work?

Many patients notice a change within **hours** of the first session, not weeks.

### Is ketamine therapy safe?

In a clinical setting it is considered *safe*:

- you are monitored throughout
- a clinician adjusts the dose

See [the guidance](https://example.org/guidance).

**Can I drive home after a session?**
No. Arrange a ride, because the effects can last a few hours.

**How many sessions will I need?**

Most protocols start with six sessions over two to three weeks.

## Final thoughts

${LONG_TEXT}
`;

export const FAQ_QUESTIONS = [
  'How quickly does ketamine therapy work?',
  'Is ketamine therapy safe?',
  'Can I drive home after a session?',
  'How many sessions will I need?',
];

/** Front-matter FAQ with markdown answers; the body has no FAQ section. */
export const FRONT_MATTER_FAQ_POST = `---
title: Preparing for your first ketamine session
description: What to do before, during and after your first ketamine therapy session at the clinic.
author: Dr. Jane Roe
date: 2024-06-01
faq:
  - question: Should I eat before a session?
    answer: Avoid eating for **four hours** before; water is fine.
  - question: What should I bring?
    answer: |
      Bring:

      - a photo ID
      - someone to drive you home

      Details are on [the preparation page](/posts/preparation/).
---

## Before the session

${LONG_TEXT}
`;

/** `faq: auto`: question headings anywhere become questions. */
export const AUTO_FAQ_POST = `---
title: Ketamine and antidepressants together
description: Whether ketamine therapy can be combined with antidepressants, and what to ask your doctor first.
author: Dr. Jane Roe
date: 2024-07-01
faq: auto
---

## Can I keep taking my antidepressant?

Usually yes; your prescriber decides.

### Which ones interact?

MAO inhibitors need special care.

### Background

Some history here.

## How ketamine works

Not a question, so not an FAQ.

${LONG_TEXT}

## What if it does not help?

There are other options.
`;
