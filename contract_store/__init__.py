"""The reference contract store: a vaulted store of contracts, their parties and documents.

Every personal field is ciphertext under the subject key of the person it is about, so
destroying one subject key erases that person from contracts that name other people too.
"""
