// Reads the emails the SMTP sink received (see end2end/smtp-sink.mjs).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type Mail = { to: string; subject: string; text: string; html: string };

const folder = process.env.PORTICO_E2E_MAILDIR ?? "end2end/mail";

/** Waits up to 15 s for an email to `to` (whose subject matches `subject`, if given), and answers the newest one. */
export async function waitForMail(to: string, subject?: RegExp): Promise<Mail> {
  for (let i = 0; i < 150; i++) {
    const mails = readdirSync(folder)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(folder, f), "utf8")) as Mail)
      .filter((m) => m.to.includes(to) && (!subject || subject.test(m.subject)));
    if (mails.length > 0) return mails[mails.length - 1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no email to ${to} arrived`);
}

export function inviteLink(mail: Mail): string {
  const match = mail.text.match(/https?:\/\/\S+\/invite\?token=[A-Za-z0-9_-]+/);
  if (!match) throw new Error(`no invitation link in: ${mail.text}`);
  return match[0];
}

export function resetLink(mail: Mail): string {
  const match = mail.text.match(/https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/);
  if (!match) throw new Error(`no reset link in: ${mail.text}`);
  return match[0];
}

export function confirmLink(mail: Mail): string {
  const match = mail.text.match(/https?:\/\/\S+\/confirm-email\?token=[A-Za-z0-9_-]+/);
  if (!match) throw new Error(`no confirmation link in: ${mail.text}`);
  return match[0];
}
