/*
 * The grammar of .nn model files.
 *
 * A file holds optional imports and a package, then constants (let), layer groups (group) and at
 * most one model. Statements end at the end of their syntax; semicolons and commas between
 * settings are optional. Names of layers, activations, losses, optimizers and settings are plain
 * identifiers here: the checker resolves them against the registry, so an unknown name is a
 * diagnostic with a suggestion, never a syntax error.
 */
grammar NN;

file
    : packageDecl? importDecl* topItem* EOF
    ;

packageDecl
    : PACKAGE qualifiedName SEMI?
    ;

qualifiedName
    : ID (DOT ID)*
    ;

importDecl
    : IMPORT STRING SEMI?
    ;

topItem
    : letDecl
    | groupDecl
    | modelDecl
    ;

letDecl
    : LET ID ASSIGN expr SEMI?
    ;

groupDecl
    : GROUP ID LPAREN (groupParam (COMMA groupParam)*)? RPAREN LBRACE layerStmt* RBRACE
    ;

groupParam
    : ID (ASSIGN expr)?
    ;

modelDecl
    : MODEL ID LBRACE modelItem* RBRACE
    ;

modelItem
    : letDecl
    | inputDecl
    | layerStmt
    | setting
    | block
    ;

inputDecl
    : INPUT ID? shape SEMI?
    ;

shape
    : LBRACK expr (COMMA expr)* RBRACK
    ;

// loss mse / optimizer sgd(lr: 0.1) / init xavier / seed 42
setting
    : key=(LOSS | OPTIMIZER | INIT | SEED) expr SEMI?
    ;

// train { epochs: 100, batch: 10 } / data { train: csv("a.csv", label: last) }
block
    : name=ID LBRACE (entry (COMMA | SEMI)?)* RBRACE
    ;

entry
    : word COLON expr
    ;

// Words that start statements in a model body are plain names elsewhere: `stop: loss < 0.1`,
// `dense(4, init: he)`.
word
    : ID | LOSS | OPTIMIZER | INIT | SEED | INPUT | REPEAT | GROUP | MODEL | LET | IMPORT | PACKAGE
    ;

layerStmt
    : REPEAT expr LBRACE layerStmt* RBRACE         # repeatStmt
    | layerCall (ARROW layerCall)* SEMI?           # chainStmt
    ;

layerCall
    : ID (LPAREN argList? RPAREN)?
    ;

argList
    : arg (COMMA arg)*
    ;

arg
    : (word COLON)? expr
    ;

expr
    : MINUS expr                                        # negExpr
    | expr op=(STAR | SLASH) expr                       # mulExpr
    | expr op=(PLUS | MINUS) expr                       # addExpr
    | expr op=(LT | LE | GT | GE) expr                  # cmpExpr
    | expr AND expr                                     # andExpr
    | expr OR expr                                      # orExpr
    | NUMBER                                            # numberExpr
    | STRING                                            # stringExpr
    | (TRUE | FALSE)                                    # boolExpr
    | ID LPAREN argList? RPAREN                         # callExpr
    | word                                              # nameExpr
    | LBRACK (expr (COMMA expr)*)? RBRACK               # listExpr
    | LPAREN expr RPAREN                                # parenExpr
    ;

PACKAGE  : 'package';
IMPORT   : 'import';
LET      : 'let';
GROUP    : 'group';
MODEL    : 'model';
INPUT    : 'input';
REPEAT   : 'repeat';
LOSS     : 'loss';
OPTIMIZER: 'optimizer';
INIT     : 'init';
SEED     : 'seed';
TRUE     : 'true';
FALSE    : 'false';
AND      : 'and';
OR       : 'or';

ARROW  : '->';
ASSIGN : '=';
COLON  : ':';
SEMI   : ';';
COMMA  : ',';
DOT    : '.';
LPAREN : '(';
RPAREN : ')';
LBRACE : '{';
RBRACE : '}';
LBRACK : '[';
RBRACK : ']';
PLUS   : '+';
MINUS  : '-';
STAR   : '*';
SLASH  : '/';
LE     : '<=';
GE     : '>=';
LT     : '<';
GT     : '>';

NUMBER
    : DIGITS ('.' DIGITS?)? EXPONENT?
    | '.' DIGITS EXPONENT?
    ;
fragment DIGITS   : [0-9] ('_'? [0-9])*;
fragment EXPONENT : [eE] [+-]? [0-9]+;

ID     : [a-zA-Z_] [a-zA-Z_0-9]*;
STRING : '"' (~["\\\r\n] | '\\' ["\\nt])* '"';

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
WS            : [ \t\r\n]+ -> channel(HIDDEN);

// Anything else becomes one token the parser rejects with a readable message.
UNEXPECTED : . ;
