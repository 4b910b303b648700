"""How passwords are stored: Argon2id with parameters measured for a shared server.

Django's default Argon2 (t=2, 100 MiB, 8 lanes) costs 0.3–0.5 s of two cores per login and
100 MiB of memory traffic; twenty people signing in at the start of a working day queue behind
each other for a minute. These are OWASP's recommended Argon2id parameters (19 MiB, two passes,
one lane): a guess still costs 19 MiB and two passes over it, a login about 40 ms on one core.
Hashes stored with other parameters still verify and are rewritten with these on the next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PaichaArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
