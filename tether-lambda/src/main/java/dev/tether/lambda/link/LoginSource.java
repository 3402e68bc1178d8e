package dev.tether.lambda.link;

/**
 * Where the login of each new connection comes from: the configured user and password, a Secrets Manager secret, or
 * an RDS IAM token. Asked once per connection, on the invoking thread.
 */
interface LoginSource {

    /** A user name and password; the password is never logged. */
    record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[user=" + user + "]";
        }
    }

    /** The login for the next connection. */
    Login login();

    /** Forgets a cached login after the database refused it, so that the next one is read afresh. */
    default void refresh() {}

    /** The same user and password every time. */
    static LoginSource fixed(String user, String password) {
        Login login = new Login(user, password);
        return () -> login;
    }
}
