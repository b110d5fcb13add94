"""hookd's `Datasets/SplitMix64.swift` in Python, bit for bit: the fixture and peer scripts
replay hookd's seeded draws (shuffles, augmentation) with it."""

MASK = (1 << 64) - 1


class SplitMix64:
    """`next()`, `next(below:)`, `uniform()` and the Fisher-Yates `permutation` of hookd's loader."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, bound):
        # Lemire's multiply-shift with rejection, as Swift's next(below:).
        m = self.next() * bound
        if (m & MASK) < bound:
            threshold = ((1 << 64) - bound) % bound
            while (m & MASK) < threshold:
                m = self.next() * bound
        return m >> 64

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53

    def permutation(self, count):
        order = list(range(count))
        for i in range(count - 1, 0, -1):
            j = self.below(i + 1)
            order[i], order[j] = order[j], order[i]
        return order
