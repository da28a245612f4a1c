package dev.strand.gateway.http;

/** Carries a {@link Problem} out of request parsing to the handler that answers it; no stack trace. */
final class ProblemException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    ProblemException(final Problem problem)
    {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    Problem problem()
    {
        return problem;
    }
}
