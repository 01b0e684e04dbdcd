package live.webhook.receive;

/**
 * Settings as the receive checks take them: text, read without failing. camel-main builds the beans
 * before its settings check (live.webhook.startup.SettingsCheck) runs, and that check stops a start
 * with a bad value in one line naming the setting; a bean that failed on it first would end the start
 * with a stack trace instead. So a value that is not what the check allows leaves the default here,
 * and never serves a webhook.
 */
final class Settings {

    private Settings() {
    }

    /** The whole number the text gives, or the default when it gives none. */
    static int wholeNumber(String text, int otherwise) {
        try {
            return Integer.parseInt(text == null ? "" : text.strip());
        } catch (NumberFormatException notAWholeNumber) {
            return otherwise;
        }
    }
}
