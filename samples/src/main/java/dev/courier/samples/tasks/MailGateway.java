package dev.courier.samples.tasks;

/** Where reminders go out; in a real application, an SMTP client or a mail provider's API. */
public interface MailGateway {
    /**
     * Sends one mail.
     *
     * @throws MailGatewayException when the gateway refused or did not answer; the caller may try again
     */
    void send(String to, String subject, String text);

    /** {@code delegate}, printing one line per mail sent or failed to {@code out}, for the console applications. */
    static MailGateway printing(MailGateway delegate, java.io.PrintStream out) {
        return (to, subject, text) -> {
            try {
                delegate.send(to, subject, text);
                out.println("mailed " + to + ": " + subject);
            } catch (RuntimeException e) {
                out.println("mail failed: " + e.getMessage());
                throw e;
            }
        };
    }
}
