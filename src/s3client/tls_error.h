// Readable text for TLS errors: Asio reports OpenSSL's errors as "asio.ssl error" with the packed
// OpenSSL error code as the value. Used by the client (http_client.cc) and the server
// (s3/http/http_server.cc).
#pragma once

#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>
#include <boost/system/error_code.hpp>
#include <string>

namespace stocktake::s3::http {

inline std::string TlsErrorText(const boost::system::error_code& ec) {
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (reason != nullptr) return reason;
  }
  return ec.message();
}

}  // namespace stocktake::s3::http
