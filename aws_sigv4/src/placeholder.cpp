// Placeholder so the library target exists before the signer lands.
namespace aws_sigv4::detail {
int placeholder() { return 0; }
} // namespace aws_sigv4::detail
