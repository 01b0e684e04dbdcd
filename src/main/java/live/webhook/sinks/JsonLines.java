package live.webhook.sinks;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A webhook's messages (the List in the body) as the List of their JSON texts, one line each: what the
 * log sink writes. One writer for the whole List, instead of a marshal step per message, each with its
 * own output stream and a conversion of its bytes back to text for the log.
 */
public class JsonLines implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        List<?> messages = exchange.getMessage().getBody(List.class);
        List<String> lines = new ArrayList<>(messages.size());
        for (Object message : messages) {
            lines.add(JSON.writeValueAsString(message));
        }
        exchange.getMessage().setBody(lines);
    }
}
