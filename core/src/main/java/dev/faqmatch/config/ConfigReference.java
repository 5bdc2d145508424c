package dev.faqmatch.config;

/** Prints the settings as the Markdown table of the README, so that the two cannot drift apart. */
public final class ConfigReference {
    private ConfigReference() {}

    public static String markdown() {
        StringBuilder out = new StringBuilder("| setting | default | allowed | what it does |\n|---|---|---|---|\n");
        for (Setting<?> s : MatcherConfig.SETTINGS) {
            out.append("| `").append(s.key()).append("` | ")
                    .append(s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`").append(" | ")
                    .append(s.allowed()).append(" | ").append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
