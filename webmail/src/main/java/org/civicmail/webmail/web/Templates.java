package org.civicmail.webmail.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * Renders the precompiled jte templates (generated at build time into {@code gg.jte.generated.precompiled}),
 * so running from a plain class path needs neither template sources nor a compiler. Thread-safe.
 */
public final class Templates {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    public String render(String name, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        engine.render(name, params, out);
        return out.toString();
    }
}
