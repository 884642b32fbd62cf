package dev.courier.internal;

import dev.courier.ContextualHandler;
import dev.courier.HandlerTiming;
import dev.courier.PipelineConfigurationException;
import dev.courier.Policies;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.RequestHandler;
import dev.courier.pipeline.Chain;
import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.Step;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import dev.courier.spi.Inbox;
import java.lang.annotation.Annotation;
import java.lang.annotation.Repeatable;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Reads the step annotations on a handler's {@code handle} method and links their steps into a {@link Chain}.
 * Every mistake is reported here, naming the handler and the step, so none surfaces on the first message.
 */
public final class PipelineBuilder {
    private final Map<Class<? extends Annotation>, StepFactory<?>> factories;
    private final Map<Class<?>, StepFactory<?>> reflectiveFactories = new ConcurrentHashMap<>();
    private final Policies policies;
    private final Inbox inbox;
    private final Clock clock;
    private final ExecutorService executor;

    public PipelineBuilder(Map<Class<? extends Annotation>, StepFactory<?>> factories, Policies policies, Inbox inbox,
            Clock clock, ExecutorService executor) {
        this.factories = Map.copyOf(factories);
        this.policies = policies;
        this.inbox = inbox;
        this.clock = clock;
        this.executor = executor;
    }

    private record Declared(Annotation annotation, int step, HandlerTiming timing, String description) {}

    /** Builds the chain that leads through every step to the handler. */
    public Chain build(Class<? extends RequestHandler<?>> handlerType, Class<? extends Request> requestType) {
        Method handle = handleMethod(handlerType, requestType);
        String where = handlerType.getName() + ".handle";
        List<Declared> declared = declaredSteps(handle, where);
        checkDistinctSteps(declared, where);
        List<Declared> before = ordered(declared, HandlerTiming.BEFORE);
        List<Declared> after = ordered(declared, HandlerTiming.AFTER);

        Chain afterChain = after.isEmpty() ? null : link(after, null, handlerType, requestType);
        String lastBefore = before.isEmpty() ? null : before.get(before.size() - 1).description();
        Chain chain = new HandlerInvoker(requestType, lastBefore, afterChain);
        return link(before, chain, handlerType, requestType);
    }

    /**
     * Links {@code steps} (not empty when {@code end} is null) in front of {@code end}, or of a last check of what
     * the last step passes on. The first link checks nothing: see {@link StepNode}.
     */
    private Chain link(List<Declared> steps, Chain end, Class<? extends RequestHandler<?>> handlerType,
            Class<? extends Request> requestType) {
        Chain next = end != null ? end : new EndOfChain(requestType, steps.get(steps.size() - 1).description());
        for (int i = steps.size() - 1; i >= 0; i--) {
            Declared d = steps.get(i);
            HandlerStep step = create(d, handlerType, requestType);
            String caller = i == 0 ? null : steps.get(i - 1).description();
            next = new StepNode(step, next, requestType, caller);
        }
        return next;
    }

    /**
     * The {@code handle} method whose step annotations count: {@code handle(T, RequestContext)} when the handler
     * implements it (a {@link ContextualHandler} does), else {@code handle(T)}. Steps on both is an error.
     */
    private static Method handleMethod(Class<?> handlerType, Class<? extends Request> requestType) {
        Method plain = mostSpecificHandle(handlerType, requestType, false);
        Method contextual = mostSpecificHandle(handlerType, requestType, true);
        if (contextual != null && contextual.getDeclaringClass() != RequestHandler.class) {
            if (plain != null && plain.getDeclaringClass() != ContextualHandler.class
                    && !declaredSteps(plain, handlerType.getName() + ".handle").isEmpty()) {
                throw new PipelineConfigurationException(handlerType.getName() + " has step annotations on handle("
                        + requestType.getSimpleName() + ") but implements handle(" + requestType.getSimpleName()
                        + ", RequestContext), which the processor calls; put them on that one");
            }
            return contextual;
        }
        if (plain == null) {
            throw new PipelineConfigurationException(handlerType.getName() + " has no public handle("
                    + requestType.getSimpleName() + ") method");
        }
        return plain;
    }

    private static Method mostSpecificHandle(Class<?> handlerType, Class<? extends Request> requestType,
            boolean withContext) {
        Method found = null;
        for (Method m : handlerType.getMethods()) {
            Class<?>[] parameters = m.getParameterTypes();
            if (m.getName().equals("handle") && !m.isBridge() && parameters.length == (withContext ? 2 : 1)
                    && parameters[0].isAssignableFrom(requestType)
                    && (!withContext || parameters[1] == RequestContext.class)
                    && (found == null || found.getParameterTypes()[0].isAssignableFrom(parameters[0]))) {
                found = m;
            }
        }
        return found;
    }

    private static List<Declared> declaredSteps(Method handle, String where) {
        List<Declared> result = new ArrayList<>();
        for (Annotation annotation : handle.getAnnotations()) {
            for (Annotation each : expandRepeated(annotation, where)) {
                if (each.annotationType().isAnnotationPresent(Step.class)) {
                    result.add(describe(each, where));
                }
            }
        }
        return result;
    }

    private static List<Annotation> expandRepeated(Annotation annotation, String where) {
        try {
            Method value = annotation.annotationType().getMethod("value");
            if (value.getReturnType().isArray()) {
                Class<?> element = value.getReturnType().getComponentType();
                Repeatable repeatable = element.getAnnotation(Repeatable.class);
                if (element.isAnnotation() && repeatable != null && repeatable.value() == annotation.annotationType()) {
                    return List.of((Annotation[]) accessible(value).invoke(annotation));
                }
            }
        } catch (NoSuchMethodException e) {
            // not a container
        } catch (InvocationTargetException e) {
            // The JDK's proxy for a repeatable container cannot reach a non-public annotation type.
            throw new PipelineConfigurationException("Cannot read " + annotation.annotationType().getName() + " on "
                    + where + "; a repeatable step annotation and its container must be public: " + e.getCause(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new PipelineConfigurationException("Cannot read " + annotation + " on " + where, e);
        }
        return List.of(annotation);
    }

    /** Lets annotations and factories that are not public (a package-private test annotation) be read. */
    private static <M extends AccessibleObject> M accessible(M member) {
        member.trySetAccessible();
        return member;
    }

    /** What the last AFTER step (or the handler, without any) proceeds to: only checks the contract. */
    private static final class EndOfChain implements Chain {
        private final Class<?> requestType;
        private final String caller;

        EndOfChain(Class<?> requestType, String caller) {
            this.requestType = requestType;
            this.caller = caller;
        }

        @Override
        public void proceed(Request request, RequestContext context) {
            StepNode.check(request, context, requestType, caller);
        }
    }

    private static Declared describe(Annotation annotation, String where) {
        String name = "@" + annotation.annotationType().getSimpleName();
        int step;
        HandlerTiming timing = HandlerTiming.BEFORE;
        try {
            step = (Integer) accessible(annotation.annotationType().getMethod("step")).invoke(annotation);
        } catch (NoSuchMethodException | ClassCastException e) {
            throw new PipelineConfigurationException(name + " on " + where
                    + " is marked @Step but declares no 'int step()' attribute");
        } catch (ReflectiveOperationException e) {
            throw new PipelineConfigurationException("Cannot read step of " + name + " on " + where, e);
        }
        try {
            Object value = accessible(annotation.annotationType().getMethod("timing")).invoke(annotation);
            if (!(value instanceof HandlerTiming t)) {
                throw new PipelineConfigurationException(name + " on " + where
                        + " declares timing() but not of type HandlerTiming");
            }
            timing = t;
        } catch (NoSuchMethodException e) {
            // BEFORE by default
        } catch (ReflectiveOperationException e) {
            throw new PipelineConfigurationException("Cannot read timing of " + name + " on " + where, e);
        }
        return new Declared(annotation, step, timing, name + "(step " + step + ") on " + where);
    }

    private static void checkDistinctSteps(List<Declared> declared, String where) {
        Map<Integer, Declared> seen = new HashMap<>();
        for (Declared d : declared) {
            Declared other = seen.putIfAbsent(d.step(), d);
            if (other != null) {
                throw new PipelineConfigurationException("Two steps on " + where + " share step number " + d.step()
                        + ": @" + other.annotation().annotationType().getSimpleName() + " and @"
                        + d.annotation().annotationType().getSimpleName() + "; give each its own number");
            }
        }
    }

    private static List<Declared> ordered(List<Declared> declared, HandlerTiming timing) {
        return declared.stream().filter(d -> d.timing() == timing).sorted(Comparator.comparingInt(Declared::step))
                .toList();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private HandlerStep create(Declared d, Class<? extends RequestHandler<?>> handlerType,
            Class<? extends Request> requestType) {
        StepFactory factory = factoryFor(d);
        HandlerStep step;
        try {
            step = factory.create(d.annotation(), new Context(handlerType, requestType, d.step()));
        } catch (PipelineConfigurationException e) {
            throw new PipelineConfigurationException(d.description() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new PipelineConfigurationException(d.description() + " could not be built: " + e, e);
        }
        if (step == null) {
            throw new PipelineConfigurationException(d.description() + ": " + factory.getClass().getName()
                    + " returned no step");
        }
        return step;
    }

    private StepFactory<?> factoryFor(Declared d) {
        StepFactory<?> registered = factories.get(d.annotation().annotationType());
        if (registered != null) {
            return registered;
        }
        Class<? extends StepFactory<?>> type = d.annotation().annotationType().getAnnotation(Step.class).factory();
        return reflectiveFactories.computeIfAbsent(type, t -> instantiate(type, d));
    }

    private static StepFactory<?> instantiate(Class<? extends StepFactory<?>> type, Declared d) {
        try {
            Constructor<? extends StepFactory<?>> constructor = type.getDeclaredConstructor();
            constructor.trySetAccessible();
            return constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new PipelineConfigurationException(d.description() + ": step factory " + type.getName()
                    + " has no no-argument constructor; register an instance with stepFactory(...)");
        } catch (InvocationTargetException e) {
            throw new PipelineConfigurationException(d.description() + ": step factory " + type.getName()
                    + " failed in its constructor: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new PipelineConfigurationException(d.description() + ": cannot create step factory "
                    + type.getName() + ": " + e, e);
        }
    }

    private final class Context implements StepContext {
        private final Class<? extends RequestHandler<?>> handlerType;
        private final Class<? extends Request> requestType;
        private final int step;

        Context(Class<? extends RequestHandler<?>> handlerType, Class<? extends Request> requestType, int step) {
            this.handlerType = handlerType;
            this.requestType = requestType;
            this.step = step;
        }

        @Override public Class<? extends RequestHandler<?>> handlerType() { return handlerType; }
        @Override public Class<? extends Request> requestType() { return requestType; }
        @Override public int step() { return step; }
        @Override public Policies policies() { return policies; }
        @Override public Inbox inbox() { return inbox; }
        @Override public Clock clock() { return clock; }
        @Override public ExecutorService executor() { return executor; }
    }
}
