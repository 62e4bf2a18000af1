// Field numbers below are those of orc-format orc_proto.proto.
#include "report/orc/orc_metadata.h"

#include "report/orc/protobuf_reader.h"

namespace stocktake::report::orc {
namespace {

Status Check(const ProtobufReader& r, std::string_view what) {
  return r.ok() ? Status::OK() : r.status().WithContext(what);
}

Result<Type> DecodeType(std::string_view bytes) {
  ProtobufReader r(bytes);
  Type t;
  while (r.NextField()) {
    switch (r.field()) {
      case 1:
        t.kind = static_cast<TypeKind>(r.ReadVarint());
        break;
      case 2:
        r.ReadRepeatedVarint(&t.subtypes);
        break;
      case 3:
        t.field_names.emplace_back(r.ReadBytes());
        break;
      default:
        r.SkipField();
    }
  }
  RETURN_IF_ERROR(Check(r, "ORC Type"));
  return t;
}

Result<StripeInformation> DecodeStripeInformation(std::string_view bytes) {
  ProtobufReader r(bytes);
  StripeInformation s;
  while (r.NextField()) {
    switch (r.field()) {
      case 1:
        s.offset = r.ReadVarint();
        break;
      case 2:
        s.index_length = r.ReadVarint();
        break;
      case 3:
        s.data_length = r.ReadVarint();
        break;
      case 4:
        s.footer_length = r.ReadVarint();
        break;
      case 5:
        s.number_of_rows = r.ReadVarint();
        break;
      default:
        r.SkipField();
    }
  }
  RETURN_IF_ERROR(Check(r, "ORC StripeInformation"));
  return s;
}

}  // namespace

Result<PostScript> DecodePostScript(std::string_view bytes) {
  ProtobufReader r(bytes);
  PostScript ps;
  while (r.NextField()) {
    switch (r.field()) {
      case 1:
        ps.footer_length = r.ReadVarint();
        break;
      case 2:
        ps.compression = static_cast<CompressionKind>(r.ReadVarint());
        break;
      case 3:
        ps.compression_block_size = r.ReadVarint();
        break;
      case 5:
        ps.metadata_length = r.ReadVarint();
        break;
      case 8000:
        ps.magic = std::string(r.ReadBytes());
        break;
      default:
        r.SkipField();
    }
  }
  RETURN_IF_ERROR(Check(r, "ORC PostScript"));
  return ps;
}

Result<Footer> DecodeFooter(std::string_view bytes) {
  ProtobufReader r(bytes);
  Footer f;
  while (r.NextField()) {
    switch (r.field()) {
      case 1:
        f.header_length = r.ReadVarint();
        break;
      case 2:
        f.content_length = r.ReadVarint();
        break;
      case 3: {
        std::string_view sub = r.ReadBytes();
        if (!r.ok()) break;
        ASSIGN_OR_RETURN(StripeInformation s, DecodeStripeInformation(sub));
        f.stripes.push_back(s);
        break;
      }
      case 4: {
        std::string_view sub = r.ReadBytes();
        if (!r.ok()) break;
        ASSIGN_OR_RETURN(Type t, DecodeType(sub));
        f.types.push_back(std::move(t));
        break;
      }
      case 6:
        f.number_of_rows = r.ReadVarint();
        break;
      default:
        r.SkipField();
    }
  }
  RETURN_IF_ERROR(Check(r, "ORC Footer"));
  return f;
}

Result<StripeFooter> DecodeStripeFooter(std::string_view bytes) {
  ProtobufReader r(bytes);
  StripeFooter f;
  while (r.NextField()) {
    switch (r.field()) {
      case 1: {
        ProtobufReader s(r.ReadBytes());
        Stream stream;
        while (s.NextField()) {
          switch (s.field()) {
            case 1:
              stream.kind = static_cast<StreamKind>(s.ReadVarint());
              break;
            case 2:
              stream.column = static_cast<uint32_t>(s.ReadVarint());
              break;
            case 3:
              stream.length = s.ReadVarint();
              break;
            default:
              s.SkipField();
          }
        }
        RETURN_IF_ERROR(Check(s, "ORC Stream"));
        f.streams.push_back(stream);
        break;
      }
      case 2: {
        ProtobufReader e(r.ReadBytes());
        ColumnEncoding encoding;
        while (e.NextField()) {
          switch (e.field()) {
            case 1:
              encoding.kind = static_cast<EncodingKind>(e.ReadVarint());
              break;
            case 2:
              encoding.dictionary_size = static_cast<uint32_t>(e.ReadVarint());
              break;
            default:
              e.SkipField();
          }
        }
        RETURN_IF_ERROR(Check(e, "ORC ColumnEncoding"));
        f.columns.push_back(encoding);
        break;
      }
      case 3:
        f.writer_timezone = std::string(r.ReadBytes());
        break;
      default:
        r.SkipField();
    }
  }
  RETURN_IF_ERROR(Check(r, "ORC StripeFooter"));
  return f;
}

}  // namespace stocktake::report::orc
