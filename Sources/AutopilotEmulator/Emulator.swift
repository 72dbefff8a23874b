import Hummingbird; import OpenAPIHummingbird; import GRDB; import Yams; import CompressNIO; import Crypto
enum EPlaceholder {}
