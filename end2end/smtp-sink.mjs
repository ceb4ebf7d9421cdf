// A real SMTP listener for the browser tests: every message it receives is parsed and written
// as JSON ({ to, subject, text, html }) into a folder the tests read.
// Usage: node end2end/smtp-sink.mjs <port> <folder>
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [port, folder] = [Number(process.argv[2] ?? 2525), process.argv[3] ?? "mail"];
mkdirSync(folder, { recursive: true });
let count = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["AUTH", "STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then((mail) => {
        count += 1;
        const record = { to: mail.to?.text ?? "", subject: mail.subject ?? "", text: mail.text ?? "", html: mail.html || "" };
        writeFileSync(join(folder, `${Date.now()}-${count}.json`), JSON.stringify(record));
        callback();
      })
      .catch(callback);
  },
});
server.listen(port, "127.0.0.1", () => console.log(`smtp sink listening on 127.0.0.1:${port}, writing to ${folder}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
